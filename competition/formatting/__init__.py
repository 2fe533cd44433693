"""Pure helpers for what we write into documents, shared by the domain core
(registration's sheets, rules' scheme workbook) and the document generators in exports/:
formula-safe workbook cells (cells), text fitted into a PDF box (textfit), display widths
and sheet names (widths), and the one masking of ID and phone numbers (masking).

Part of the domain core: openpyxl and reportlab only, no Flask, no database, nothing from
exports/ (which imports from here).
"""

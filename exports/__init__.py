"""Document generators: certificates, results workbooks, bulletins and score sheets.

Pure: plain data in (exports.data), bytes or files out. No Flask, no database."""

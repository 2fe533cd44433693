"""The organiser's backup page: when the last backup was taken, the kept backups with
their sizes and download links, and a button to take one now."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _

from ..models import Role
from ..services import backup_rotation as rotation
from ..services.backup import BackupError
from .auth import roles_required

bp = Blueprint("backup_admin", __name__, url_prefix="/admin/backup")


@bp.get("/")
@roles_required(Role.ORGANISER)
def index():
    """The kept backups, newest first, and the automatic schedule."""
    kept = rotation.kept_backups()
    error, error_at = rotation.last_error()
    return render_template("admin/backup.html", kept=kept, last=kept[0] if kept else None,
                           interval=rotation.interval_minutes(), keep=rotation.keep_count(),
                           folder=str(rotation.backup_dir()), error=error, error_at=error_at)


@bp.post("/now")
@roles_required(Role.ORGANISER)
def take_now():
    """Take a backup now (also when nothing changed)."""
    try:
        summary = rotation.take_backup()
    except (BackupError, OSError) as exc:
        current_app.logger.exception("backup failed")
        flash(_("The backup failed: %(error)s", error=str(exc)), "error")
    else:
        flash(_("Backup taken: %(rows)d rows, %(size)s.", rows=summary.rows,
                size=human_size(summary.size)))
    return redirect(url_for(".index"))


@bp.get("/download/<name>")
@roles_required(Role.ORGANISER)
def download(name: str):
    """One kept backup as a file (only names the rotation made; no paths)."""
    path = rotation.find_backup(name)
    if path is None:
        abort(404)
    return send_file(path, mimetype="application/zip", as_attachment=True,
                     download_name=name, max_age=0)


@bp.app_template_filter("human_size")
def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"

"""Blueprints by audience. Each module owns its routes; register_blueprints wires them."""
from flask import Flask


def register_blueprints(app: Flask) -> None:
    from . import admin, api, auth, errors, judge, public, screen
    for module in (auth, admin, judge, screen, public, api):
        app.register_blueprint(module.bp)
    errors.register(app)

"""Blueprints by audience. Each module owns its routes; register_blueprints wires them."""
from flask import Flask


def register_blueprints(app: Flask) -> None:
    from . import bounds  # <int:...> bounded to what the database holds (before any route)
    bounds.init_app(app)
    from . import admin, api, auth, errors, judge, public, rules_admin, screen, users_admin
    for module in (auth, admin, judge, screen, public, api, rules_admin, users_admin):
        app.register_blueprint(module.bp)
    errors.register(app)
    from . import limits  # request size limits per route, checked before the body is read
    limits.init_app(app)
    from . import dberrors  # a database that cannot be reached: 503 "retry", never a 500
    dberrors.register(app)
    from . import menu
    menu.register(app)
    from . import live_admin, live_api  # live leaderboards (issue 5)
    for blueprint in (live_api.bp, live_admin.bp, screen.results_bp, screen.vendor_bp):
        app.register_blueprint(blueprint)
    from .. import live, publish
    live.init_app(app)
    publish.init_app(app)  # one publish point after the commit (issue 19)
    from . import promotions  # promotion lists (issue 8)
    app.register_blueprint(promotions.bp)
    from . import judge_api  # judging on tablets (issue 4)
    app.register_blueprint(judge_api.bp)
    app.register_blueprint(judge.token_bp)
    from . import venue  # the venue certificate for tablets (HTTPS at the venue)
    app.register_blueprint(venue.bp)
    from . import brackets, registration, stages  # registration, draws, brackets (issue 6)
    for blueprint in (registration.bp, stages.bp, brackets.bp):
        app.register_blueprint(blueprint)
    from . import documents  # certificates, workbooks, bulletins, score sheets (issue 7)
    app.register_blueprint(documents.bp)
    app.register_blueprint(documents.verify_bp)
    from .. import timefmt  # one clock: times in the competition's zone (issue 15)
    timefmt.init_app(app)
    from . import backup_admin  # backups (issue 15)
    app.register_blueprint(backup_admin.bp)
    from . import analysis  # judge consistency, one scale, training needs (issue 17)
    app.register_blueprint(analysis.bp)
    from . import schedule  # the event's schedule across trades and venues (issue 18)
    app.register_blueprint(schedule.bp)
    from . import tickets  # admission tickets' check-in page, contestants' look-up (issue 18)
    app.register_blueprint(tickets.bp)
    from . import appeals  # appeals (申诉) as cases (issue 18)
    app.register_blueprint(appeals.bp)
    from . import checkin  # check-in (检录) at the venue (issue 18)
    app.register_blueprint(checkin.bp)
    from . import venues  # a venue's day: heats, screens, judges' sign-in codes (issue 18)
    app.register_blueprint(venues.bp)
    app.register_blueprint(venues.screen_bp)
    from . import seating  # seating several late entrants at once (issue 18)
    app.register_blueprint(seating.bp)

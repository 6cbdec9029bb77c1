"""The ``sportello`` command: serve, migrate, demo, and admin commands."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import secrets
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sportello import cli_webhooks
from sportello.actions.agent_accounts import do_create_agent, do_reset_password, do_update_agent
from sportello.actions.context import Ctx
from sportello.actions.erasure import do_erase_visitor
from sportello.actions.services import do_create_service
from sportello.actions.transfer_groups import do_create_transfer_group
from sportello.backups.manifest import BackupError
from sportello.backups.sqlite_copy import PAGES_PER_STEP, PAUSE_SECONDS
from sportello.config import ConfigError, Settings, load_settings
from sportello.domain.model import Role
from sportello.errors import NotFoundError, SportelloError
from sportello.log_format import configure_logging
from sportello.queries.agents import agent_id_by_login
from sportello.storage.database import Database
from sportello.storage.migrate import upgrade


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for name in ("host", "port", "database_url"):
        value = getattr(args, name, None)
        if value is not None:
            overrides[name] = value
    return overrides


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(**_overrides(args))


def _with_ctx(settings: Settings, work: Callable[[Ctx], Awaitable[Any]]) -> Any:
    async def main() -> Any:
        db = Database(settings.database_url)
        try:
            return await work(Ctx(settings=settings, db=db))
        finally:
            await db.dispose()

    return asyncio.run(main())


def cmd_migrate(args: argparse.Namespace) -> int:
    settings = _settings(args)
    upgrade(settings.database_url)
    print(f"database is up to date: {settings.database_url}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from sportello.serving import check_workers, node, serve_workers

    settings = _settings(args)
    configure_logging(settings.log_level, settings.log_format)
    check_workers(settings, args.workers)
    upgrade(settings.database_url)
    if args.demo:
        from sportello.demo_site import demo_site_origin, start_demo_site

        _seed(settings, demo_site_origin(settings, args.demo_site_port))
        start_demo_site(settings, args.demo_site_port)
    if args.workers > 1:
        return serve_workers(settings, _overrides(args), args.workers)
    node(settings).run()
    return 0


def _seed(settings: Settings, site: str) -> None:
    from sportello.demo import DEMO_AGENTS, seed_demo

    created = _with_ctx(settings, lambda ctx: seed_demo(ctx, site))
    base = settings.public_url or f"http://{settings.host}:{settings.port}"
    print("\n  Sportello demo" + (" (data created)" if created else ""))
    print(f"  Agent console : {base}/console")
    print(f"  Demo shop site: {site}/  (the visitor side, with the widget)")
    print(f"  API docs      : {base}/docs")
    print("  Logins (login / password / role / tags: the services they take):")
    for agent in DEMO_AGENTS:
        tags = ", ".join(agent.tags)
        print(f"    {agent.login:<8} / {agent.password:<15} / {agent.role.value:<10} / {tags}")
    print()


def cmd_demo(args: argparse.Namespace) -> int:
    args.demo = True
    return cmd_serve(args)


def cmd_create_agent(args: argparse.Namespace) -> int:
    settings = _settings(args)
    upgrade(settings.database_url)
    password = args.password or getpass.getpass("password: ")
    agent = _with_ctx(
        settings,
        lambda ctx: do_create_agent(
            ctx,
            login=args.login,
            password=password,
            display_name=args.name or args.login,
            tags_=args.tag,
            languages=args.language or ["en"],
            chat_limit=args.chat_limit,
            role=Role(args.role),
        ),
    )
    print(f"agent {agent['login']} created (id {agent['id']})")
    return 0


async def _agent_id(ctx: Ctx, login: str) -> int:
    async with ctx.db.read() as conn:
        agent_id = await agent_id_by_login(conn, login)
    if agent_id is None:
        raise NotFoundError(f"no agent has the login {login!r}", login=login)
    return agent_id


def cmd_set_enabled(args: argparse.Namespace) -> int:
    """Disable an account now (its contacts go back to the queue, its consoles close) or
    enable it again; audited with the command as the actor."""
    settings = _settings(args)
    upgrade(settings.database_url)
    enabled = args.command == "enable-agent"

    async def work(ctx: Ctx) -> dict[str, Any]:
        return await do_update_agent(ctx, await _agent_id(ctx, args.login), {"enabled": enabled})

    agent = _with_ctx(settings, work)
    if enabled:
        print(f"agent {agent['login']} enabled")
    else:
        handed = len(agent["handed_back"])
        print(f"agent {agent['login']} disabled; {handed} contact(s) handed back to the queue")
    return 0


def cmd_erase_visitor(args: argparse.Namespace) -> int:
    """Everything of one person (a data-protection request), audited with the command as
    the actor; the counts of what was removed are printed."""
    settings = _settings(args)
    upgrade(settings.database_url)

    async def work(ctx: Ctx) -> dict[str, Any]:
        return await do_erase_visitor(ctx, visitor_id=args.visitor_id, email=args.email)

    removed = _with_ctx(settings, work)
    print(
        f"erased: {removed['contacts']} contact(s), {removed['messages']} message(s), "
        f"{removed['files']} file(s), {removed['left_messages']} left message(s)"
    )
    return 0


def cmd_reset_password(args: argparse.Namespace) -> int:
    """A new password: generated and printed once, or read from stdin (``--stdin``)."""
    settings = _settings(args)
    upgrade(settings.database_url)
    password = sys.stdin.readline().rstrip("\r\n") if args.stdin else secrets.token_urlsafe(12)

    async def work(ctx: Ctx) -> None:
        await do_reset_password(ctx, await _agent_id(ctx, args.login), password)

    _with_ctx(settings, work)
    if args.stdin:
        print(f"password of {args.login} reset; their sign-ins ended")
    else:
        print(
            f"password of {args.login} reset; their sign-ins ended. The new password, shown once:"
        )
        print(password)
    return 0


def cmd_create_service(args: argparse.Namespace) -> int:
    settings = _settings(args)
    upgrade(settings.database_url)
    service = _with_ctx(
        settings,
        lambda ctx: do_create_service(
            ctx,
            name=args.name,
            language=args.language,
            tags_=args.tag,
            dissuasion_seconds=args.dissuasion,
            media=args.medium or ["chat"],
            priority=args.priority,
            sites=args.site,
        ),
    )
    print(f"service {service['name']!r} created (id {service['id']})")
    return 0


def cmd_create_transfer_group(args: argparse.Namespace) -> int:
    settings = _settings(args)
    upgrade(settings.database_url)
    group = _with_ctx(
        settings,
        lambda ctx: do_create_transfer_group(
            ctx, name=args.name, tags_=args.tag, match_all=args.all, priority=args.priority
        ),
    )
    print(f"transfer group {group['name']!r} created (id {group['id']})")
    return 0


def cmd_translation_pairs(args: argparse.Namespace) -> int:
    """What the configured engine can translate between the configured languages."""
    from sportello.translation.translator import build_translator

    settings = load_settings()

    async def main() -> list[str]:
        translator = build_translator(settings)
        lines = []
        for route in await translator.routes():
            via = f" (through {route.via}, lower quality)" if route.via else ""
            lines.append(f"{route.source} -> {route.target}{via}")
        await translator.close()
        return lines

    lines = asyncio.run(main())
    print(f"engine: {settings.translation_engine}")
    print("\n".join(lines) if lines else "no pairs available")
    return 0 if lines else 1


def cmd_backup(args: argparse.Namespace) -> int:
    """A consistent copy of the database (while serving) and the files it names."""
    from sportello.backups.take import take_backup

    settings = _settings(args)
    manifest = take_backup(settings, args.path, pages=args.pages, pause=args.pause_ms / 1000)
    counts = manifest.counts
    print(
        f"backup written to {args.path}: revision {manifest.revision}, "
        f"{counts['contacts']} contacts, {counts['messages']} messages, "
        f"{len(manifest.files)} files"
    )
    if manifest.missing_files:
        print(
            f"warning: {len(manifest.missing_files)} file(s) named by the database were gone "
            "from the file store (listed in manifest.json)",
            file=sys.stderr,
        )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Put a backup back (server stopped); migrates up a backup from an older version."""
    from sportello.backups.restore import restore_backup

    settings = _settings(args)
    manifest = restore_backup(settings, args.path, force=args.force)
    print(
        f"restored {args.path} (taken {manifest.taken_at}, revision {manifest.revision}) "
        f"into {settings.database_url} and {settings.files_root}"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sportello", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--database-url", dest="database_url", help="overrides SPORTELLO_DATABASE_URL"
        )

    serve = sub.add_parser("serve", help="run the server (migrates first)")
    common(serve)
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument(
        "--demo", action="store_true", help="create demo data and serve the demo site"
    )
    serve.add_argument("--demo-site-port", type=int, default=8301)
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="processes sharing the port (more than 1 needs PostgreSQL and Redis)",
    )
    serve.set_defaults(func=cmd_serve)

    demo = sub.add_parser("demo", help="serve with demo agents, services and the demo shop site")
    common(demo)
    demo.add_argument("--host")
    demo.add_argument("--port", type=int)
    demo.add_argument("--demo-site-port", type=int, default=8301)
    demo.set_defaults(func=cmd_demo, workers=1)

    migrate = sub.add_parser("migrate", help="create or upgrade the database schema")
    common(migrate)
    migrate.set_defaults(func=cmd_migrate)

    agent = sub.add_parser("create-agent", help="add an agent")
    common(agent)
    agent.add_argument("login")
    agent.add_argument("--name")
    agent.add_argument("--password", help="prompted for when omitted")
    agent.add_argument("--tag", action="append", default=[])
    agent.add_argument("--language", action="append")
    agent.add_argument("--chat-limit", type=int, default=4)
    agent.add_argument("--role", choices=[r.value for r in Role], default="agent")
    agent.set_defaults(func=cmd_create_agent)

    for name, what in (
        ("disable-agent", "disable an account now: hand its contacts back, close its consoles"),
        ("enable-agent", "enable a disabled account again"),
    ):
        toggle = sub.add_parser(name, help=what)
        common(toggle)
        toggle.add_argument("login")
        toggle.set_defaults(func=cmd_set_enabled)

    reset = sub.add_parser(
        "reset-password", help="set a new password (printed once) and end every sign-in"
    )
    common(reset)
    reset.add_argument("login")
    reset.add_argument(
        "--stdin", action="store_true", help="read the new password from stdin instead"
    )
    reset.set_defaults(func=cmd_reset_password)

    erase = sub.add_parser(
        "erase-visitor", help="remove everything of one person (contacts, messages, files)"
    )
    common(erase)
    who = erase.add_mutually_exclusive_group(required=True)
    who.add_argument("--visitor-id", help="the visitor id their browser kept")
    who.add_argument("--email", help="the e-mail address they gave")
    erase.set_defaults(func=cmd_erase_visitor)

    service = sub.add_parser("create-service", help="add a service")
    common(service)
    service.add_argument("name")
    service.add_argument("--language", default="en")
    service.add_argument("--tag", action="append", default=[])
    service.add_argument("--medium", action="append", choices=["chat", "voice", "video"])
    service.add_argument("--dissuasion", type=int, default=30, help="seconds (5-3600)")
    service.add_argument("--priority", type=int, default=15, help="1 (highest) to 30")
    service.add_argument("--site", action="append", default=[], help="allowed origin, repeatable")
    service.set_defaults(func=cmd_create_service)

    group = sub.add_parser("create-transfer-group", help="add a transfer group")
    common(group)
    group.add_argument("name")
    group.add_argument("--tag", action="append", default=[], help="member tag, repeatable")
    group.add_argument("--all", action="store_true", help="members hold every tag (default: any)")
    group.add_argument("--priority", type=int, default=15, help="1 (highest) to 30")
    group.set_defaults(func=cmd_create_transfer_group)

    backup = sub.add_parser(
        "backup", help="copy the database (safe while serving) and the file store to PATH"
    )
    common(backup)
    backup.add_argument("path", type=Path, help="a new directory")
    backup.add_argument(
        "--pages", type=int, default=PAGES_PER_STEP, help="SQLite pages copied per step"
    )
    backup.add_argument(
        "--pause-ms",
        type=float,
        default=PAUSE_SECONDS * 1000,
        help="pause between steps (SQLite), leaving the disk to the server",
    )
    backup.set_defaults(func=cmd_backup)

    restore = sub.add_parser("restore", help="restore a backup made by `sportello backup`")
    common(restore)
    restore.add_argument("path", type=Path, help="the backup directory")
    restore.add_argument(
        "--force", action="store_true", help="replace an existing database and file store"
    )
    restore.set_defaults(func=cmd_restore)

    pairs = sub.add_parser(
        "translation-pairs", help="list the language pairs the translation engine offers"
    )
    pairs.set_defaults(func=cmd_translation_pairs)
    cli_webhooks.add_parsers(sub, common, _settings, _with_ctx)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging()
    try:
        return int(args.func(args))
    except ConfigError as exc:
        print(f"sportello: {exc}", file=sys.stderr)
        return 2
    except BackupError as exc:
        print(f"sportello: {exc}", file=sys.stderr)
        return 1
    except SportelloError as exc:
        print(f"sportello: {exc.code}: {exc.message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

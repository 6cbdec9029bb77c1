"""``sportello webhooks …``: list, add, change, remove and replay webhook endpoints."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from sportello.actions.context import Ctx
from sportello.actions.webhooks import (
    do_create_webhook,
    do_delete_webhook,
    do_replay_webhook,
    do_update_webhook,
)
from sportello.config import Settings
from sportello.queries.webhooks import all_webhooks
from sportello.storage.migrate import upgrade

Runner = Callable[[Settings, Callable[[Ctx], Any]], Any]


def _line(view: dict[str, Any]) -> str:
    flags = [view["state"]]
    if not view["enabled"]:
        flags.append("disabled")
    if view["agent_side"]:
        flags.append("agent-side")
    text = (
        f"{view['id']}\t{view['url']}\t{','.join(view['kinds'])}\t{' '.join(flags)}"
        f"\tcursor {view['cursor']} (backlog {view['backlog']})"
    )
    if view["last_error"]:
        text += f"\tlast error: {view['last_error']}"
    return text


def add_parsers(
    sub: Any,
    common: Callable[[argparse.ArgumentParser], None],
    settings: Callable[[argparse.Namespace], Settings],
    run: Runner,
) -> None:
    hooks = sub.add_parser("webhooks", help="manage webhook endpoints (docs/integrations.md)")
    actions = hooks.add_subparsers(dest="webhooks_command", required=True)

    def ready(args: argparse.Namespace) -> Settings:
        found = settings(args)
        upgrade(found.database_url)
        return found

    def cmd_list(args: argparse.Namespace) -> int:
        async def work(ctx: Ctx) -> list[dict[str, Any]]:
            async with ctx.db.read() as conn:
                return await all_webhooks(conn)

        views = run(ready(args), work)
        if args.json:
            print(json.dumps(views, indent=2))
        for view in [] if args.json else views:
            print(_line(view))
        return 0

    def cmd_add(args: argparse.Namespace) -> int:
        view = run(
            ready(args),
            lambda ctx: do_create_webhook(
                ctx,
                url=args.url,
                secret=args.secret,
                kinds=args.kind or ["*"],
                agent_side=args.agent_side,
                enabled=not args.disabled,
            ),
        )
        print(f"webhook {view['id']} added: {_line(view)}")
        print(f"its secret, shown once: {view['secret']}")
        return 0

    def cmd_change(args: argparse.Namespace) -> int:
        changes = {
            "url": args.url,
            "secret": args.secret,
            "kinds": args.kind,
            "agent_side": args.agent_side,
            "enabled": args.enabled,
        }
        view = run(ready(args), lambda ctx: do_update_webhook(ctx, args.id, changes))
        print(f"webhook {view['id']} changed: {_line(view)}")
        return 0

    def cmd_remove(args: argparse.Namespace) -> int:
        run(ready(args), lambda ctx: do_delete_webhook(ctx, args.id))
        print(f"webhook {args.id} removed")
        return 0

    def cmd_replay(args: argparse.Namespace) -> int:
        view = run(ready(args), lambda ctx: do_replay_webhook(ctx, args.id, args.from_position))
        print(f"webhook {view['id']} replays from position {args.from_position}: {_line(view)}")
        return 0

    listing = actions.add_parser("list", help="every endpoint, its state and backlog")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=cmd_list)

    add = actions.add_parser("add", help="register an endpoint (prints its secret once)")
    add.add_argument("url")
    add.add_argument("--kind", action="append", help="event kind, 'family.*' or '*' (default)")
    add.add_argument("--secret", help="at least 16 characters (default: a new random one)")
    add.add_argument("--agent-side", action="store_true", help="also private notes, whispers")
    add.add_argument("--disabled", action="store_true")
    add.set_defaults(func=cmd_add)

    change = actions.add_parser("change", help="change an endpoint (only what is given)")
    change.add_argument("id", type=int)
    change.add_argument("--url")
    change.add_argument("--kind", action="append")
    change.add_argument("--secret")
    change.add_argument("--agent-side", action=argparse.BooleanOptionalAction)
    change.add_argument("--enabled", action=argparse.BooleanOptionalAction)
    change.set_defaults(func=cmd_change)

    remove = actions.add_parser("remove", help="remove an endpoint")
    remove.add_argument("id", type=int)
    remove.set_defaults(func=cmd_remove)

    replay = actions.add_parser("replay", help="deliver again from a stream position")
    replay.add_argument("id", type=int)
    replay.add_argument("--from", dest="from_position", type=int, required=True)
    replay.set_defaults(func=cmd_replay)

    for parser in (listing, add, change, remove, replay):
        common(parser)

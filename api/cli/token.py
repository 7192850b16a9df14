"""``enforcement-ledger token create|list|revoke``: the bearer tokens of the HTTP service.

A token acts as one identity (``officer/<id>``, which must be registered); its roles
are read from that officer stream at every request. The secret is printed once, at
creation; only its SHA-256 is stored (table ``api_tokens`` of the ledger's database,
see ``api.tokens``). No passphrase is needed: tokens sign nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

from api.settings import Settings, iso_date
from api.tokens import TokenError, TokenStore, expiry_of
from api.wiring import open_ledger


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "token", help="HTTP 服务的访问令牌: 创建、列出、撤销",
        description="令牌代表一个身份 (officer/<编号>), 角色取自该身份的登记流。"
                    "密文只在创建时显示一次, 账本只保存其 SHA-256。",
    )
    sub = p.add_subparsers(dest="token_command", required=True, metavar="TOKEN_COMMAND")
    c = sub.add_parser("create", help="创建令牌并显示密文 (只显示这一次)")
    c.add_argument("--as-identity", dest="identity", required=True, help="令牌代表的身份, 如 officer/42011219001")
    c.add_argument("--name", help="用途说明")
    c.add_argument("--expires", type=iso_date, help="有效期至该日 (含, 北京时间) YYYY-MM-DD")
    c.add_argument("--json", action="store_true", help="输出 JSON")
    ls = sub.add_parser("list", help="列出令牌 (不含密文)")
    ls.add_argument("--json", action="store_true", help="输出 JSON")
    r = sub.add_parser("revoke", help="撤销令牌")
    r.add_argument("id", help="令牌编号 (token list 中的 id)")
    r.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(run=run)



def _identity(value: str) -> str:
    return value if value.startswith("officer/") else f"officer/{value}"


def run(settings: Settings, args: argparse.Namespace) -> int:
    ledger = open_ledger(settings, keys=False)
    try:
        tokens = TokenStore(ledger.store)
        if args.token_command == "create":
            identity = _identity(args.identity)
            if ledger.officer(identity) is None:
                print(f"错误: 身份 {identity} 在账本中未登记", file=sys.stderr)
                return 1
            expires = expiry_of(args.expires) if args.expires else None
            record, secret = tokens.create(identity, name=args.name, expires_at=expires)
            if args.json:
                print(json.dumps({**record.as_json(), "token": secret}, ensure_ascii=False))
            else:
                print(secret)
                print(f"令牌 {record.id} 代表 {identity}" + (f", 有效期至 {args.expires}" if args.expires else "")
                      + "; 密文只显示这一次", file=sys.stderr)
            return 0
        if args.token_command == "list":
            now = datetime.now(UTC)
            records = tokens.list()
            if args.json:
                print(json.dumps([r.as_json(now) for r in records], ensure_ascii=False, indent=2))
            else:
                states = {"active": "有效", "expired": "已过期", "revoked": "已撤销"}
                for r in records:
                    until = f" 至 {r.expires_at}" if r.expires_at else ""
                    label = f" ({r.name})" if r.name else ""
                    print(f"{r.id}  {r.identity}{label}  {states[r.state(now)]}  创建于 {r.created_at}{until}")
                if not records:
                    print("没有令牌")
            return 0
        record = tokens.revoke(args.id)
        if args.json:
            print(json.dumps(record.as_json(), ensure_ascii=False))
        else:
            print(f"已撤销令牌 {record.id} ({record.identity})")
        return 0
    except TokenError as exc:
        print(f"错误: {exc}", file=sys.stderr)
        return 1
    finally:
        ledger.close()

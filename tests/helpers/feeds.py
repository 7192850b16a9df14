"""Minimal validators of the public feeds (RFC 4287's MUSTs, JSON Feed 1.1's required members), for every
test that reads a feed: no tests here."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

ATOM = "{http://www.w3.org/2005/Atom}"


def validate_atom(root: ET.Element) -> None:
    """RFC 4287's MUSTs the feed can break: feed and entries with id, title, updated; an author;
    absolute link targets; at most one alternate link of a type per entry."""
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert (root.findtext(f"{ATOM}{name}") or "").strip(), name
    assert root.find(f"{ATOM}author/{ATOM}name") is not None
    for link in root.iter(f"{ATOM}link"):
        assert urlsplit(link.get("href") or "").scheme in ("http", "https"), link.attrib
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{name}") or "").strip(), name
        alternates = [(k.get("type"), k.get("hreflang")) for k in entry.findall(f"{ATOM}link")
                      if k.get("rel", "alternate") == "alternate"]
        assert len(alternates) == len(set(alternates))


def validate_json_feed(feed: dict[str, Any]) -> None:
    """JSON Feed 1.1's required members and types."""
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(feed["title"], str) and feed["title"]
    for key in ("home_page_url", "feed_url", "next_url"):
        if key in feed:
            assert urlsplit(feed[key]).scheme in ("http", "https"), key
    assert isinstance(feed["items"], list)
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert "content_text" in item or "content_html" in item
        assert urlsplit(item["url"]).scheme in ("http", "https")


__all__ = ["ATOM", "validate_atom", "validate_json_feed"]

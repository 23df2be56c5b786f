"""`flashpoint extract --url` as a user runs it: a real process reading a loopback page."""

from __future__ import annotations

import json
from pathlib import Path

from support.loopback import Reply
from tests.integration.test_cli import flashpoint
from tests.integration.test_pages import ARTICLE, PAYWALL


def config(tmp_path: Path) -> str:
    path = tmp_path / "config.toml"
    path.write_text('[[sources]]\nid = "s"\nurl = "http://127.0.0.1:9/feed"\n\n'
                    '[[actors]]\nid = "serbia"\nname = "Serbia"\n'
                    '[[actors.people]]\nname = "Aleksandar Vucic"\n')
    return str(path)


def test_extract_url_prints_the_analysis_and_the_article(loopback, tmp_path):
    url = loopback.route("/news/talks", Reply(body=ARTICLE.encode(), headers={
        "Content-Type": "text/html; charset=utf-8"}))
    out = flashpoint("extract", "--config", config(tmp_path), "--url", url)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["article"]["title"] == "Talks resume in Brussels"
    assert data["article"]["date"] == "2026-11-20"
    assert data["article"]["from"] == "page"
    assert "ready to discuss every point" in data["article"]["text"]
    assert {(s["speaker"], s["actor"]) for s in data["statements"]} == {
        ("Aleksandar Vucic", "serbia")}
    assert any("ready to discuss every point" in s["text"] for s in data["statements"])
    assert {"stances", "recognition_events", "escalation"} <= data.keys()


def test_extract_url_of_a_page_that_cannot_be_read_is_exit_1_with_the_reason(
    loopback, tmp_path
):
    url = loopback.route("/paywalled", Reply(body=PAYWALL.encode(), headers={
        "Content-Type": "text/html"}))
    out = flashpoint("extract", "--config", config(tmp_path), "--url", url)
    assert out.returncode == 1
    assert out.stdout == ""
    assert "paywall" in out.stderr and "Traceback" not in out.stderr
    loopback.route("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /\n"))
    out = flashpoint("extract", "--config", config(tmp_path), "--url", url)
    assert out.returncode == 1 and "robots" in out.stderr


def test_extract_url_that_is_not_http_is_a_usage_error(tmp_path):
    out = flashpoint("extract", "--config", config(tmp_path), "--url", "file:///etc/passwd")
    assert out.returncode == 2 and "not an http" in out.stderr

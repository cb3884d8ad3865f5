"""The acceptance sweep (issue 12): every page the demo's people can reach, on a phone and a desktop.

The demo practice is built in the live server's database; then a visitor, the demo coach and
each demo client sign in and follow every same-site link from their home page, breadth first
(GET only, never sign-out, a download or a link that changes something; search and filter forms
are sent as they stand). On each page:

- the answer is not a 5xx;
- at 390 x 844 (a phone) the page does not scroll sideways, in the light and the dark scheme, and
  each stacked table cell says what it is (its column's name, drawn before it);
- axe-core finds no violation of any impact, in the light and the dark scheme;
- at 1280 x 900 it does not scroll sideways either, and axe finds nothing there (once, light).

Every problem on every page is collected and reported together (page, scheme, rule, nodes), so
one run shows all that is left to fix. Pages of one shape (`/homework/<n>/`) are visited for a
few objects each, not all of them, to keep the run short; the list of shapes visited must
include the pages this product is about, so a crawl that silently shrinks fails.
"""

from __future__ import annotations

import re
import time
from collections import deque
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# Objects of one shape visited per person: enough to meet long and short text, empty and full lists.
PER_SHAPE = 2
PER_PERSON = 90

# Never followed: signing out, downloads (exports, feeds, YAML), machine answers, and GET links
# that do something (opening a reminder marks it read).
SKIP = re.compile(
    r"""^/(
        accounts/logout/ | api/ | admin/ | static/ | media/ | export/legwork\. | calendar/.+\.ics$
        | exercises/\d+/export/ | reminders/\d+/$ | reminders/unsubscribe/ | manifest\.webmanifest$
        | sw\.js$ | health/ | metrics$ | bench/ | phone/sync/
    )""",
    re.VERBOSE,
)

# Pages that are the same for everyone of a kind (account settings): checked for the first person only.
ALIKE_FOR_ALL = re.compile(
    r"^/(accounts/|api-tokens/|export/|profile/devices/|calendar/|reminders/preferences/|exercises/|practice/)"
)

# The shapes the crawl must reach (at least one page each), by who reaches them.
MUST_REACH = {
    "coach": {
        "/",
        "/coach/overview/",
        "/engagements/<n>/",
        "/sessions/<n>/",
        "/sessions/<n>/brief/",
        "/homework/<n>/",
        "/notebook/",
        "/exercises/",
        "/exercises/<n>/",
        "/practice/",
        "/reminders/",
        "/profile/",
        "/invitations/",
    },
    "client": {
        "/",
        "/homework/<n>/",
        "/notebook/",
        "/insights/",
        "/reminders/",
        "/profile/",
        "/sessions/<n>/",
    },
    "visitor": {"/", "/accounts/login/", "/accounts/signup/"},
}

# The deepest elements sticking out past the right edge, as selectors, for the failure message.
OVERFLOW_JS = """
() => {
  const width = document.documentElement.clientWidth;
  const path = (el) => {
    const parts = [];
    for (let node = el; node && node.nodeType === 1 && parts.length < 4; node = node.parentElement) {
      let part = node.tagName.toLowerCase();
      if (node.id) { parts.unshift(part + "#" + node.id); break; }
      if (node.classList.length) part += "." + [...node.classList].join(".");
      parts.unshift(part);
    }
    return parts.join(" > ");
  };
  // How far right an element reaches: its box, or the content spilling out of it (a long word, a <pre>).
  const reach = (el) => {
    const box = el.getBoundingClientRect();
    return box.width === 0 ? 0 : Math.max(box.right, box.left + el.scrollWidth);
  };
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const right = reach(el);
    if (right <= width + 1) continue;
    if ([...el.children].some((child) => reach(child) > width + 1)) continue;
    out.push(`${path(el)} (reaches ${Math.round(right)}px)`);
  }
  return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth, widest: out.slice(0, 6)};
}
"""

# Links, and where each search or filter form (method=get) leads when sent (an empty text box with a
# letter in it, so the results page is seen too).
LINKS_JS = """
() => [...document.querySelectorAll("a[href]")].map((a) => a.href).concat(
  [...document.querySelectorAll("form[method=get i]")].map((form) => {
    const data = new FormData(form);
    for (const input of form.querySelectorAll("input[type=text], input[type=search], input:not([type])")) {
      if (input.name && !input.value) data.set(input.name, "e");
    }
    const url = new URL(form.action || location.href);
    url.search = new URLSearchParams(data).toString();
    return url.href;
  }))
"""

AXE_RUN = "() => axe.run(document, {resultTypes: ['violations']})"

# On a phone a table's rows stack and its header row is hidden, so a cell that shows a bare value
# ("5", "no", "23 Nov 2026") must say what it is (data-label, drawn before it). A cell needs no
# label when it is a row's first (its name), begins with a badge (a state says what it is), says
# its column's own name, or its column has no visible name (actions).
UNLABELLED_JS = """
() => {
  const out = [];
  for (const table of document.querySelectorAll("table.table")) {
    if (!table.tHead || table.tHead.getBoundingClientRect().height > 1) continue;  // not stacked
    const head = table.tHead.rows[0];
    // A column's visible name: its header without what only a screen reader hears.
    const nameOf = (header) => {
      const copy = header.cloneNode(true);
      copy.querySelectorAll(".visually-hidden").forEach((node) => node.remove());
      return copy.textContent.trim();
    };
    for (const row of table.tBodies[0] ? table.tBodies[0].rows : []) {
      for (const cell of row.cells) {
        if (cell.cellIndex === 0 || cell.hasAttribute("data-label") || !cell.getClientRects().length) continue;
        const text = cell.textContent.trim();
        const header = head.cells[cell.cellIndex];
        const name = header ? nameOf(header) : "";
        if (!text || !name || text.toLowerCase() === name.toLowerCase()) continue;
        if (cell.firstElementChild && cell.firstElementChild.classList.contains("badge")
            && cell.firstElementChild === cell.firstChild) continue;
        out.push(`"${text.slice(0, 30)}" under ${name}`);
      }
    }
  }
  return out.slice(0, 6);
}
"""


def shape(path: str) -> str:
    return re.sub(r"/\d+(?=/|$)", "/<n>", path)


class Tab:
    """One person's tab: each page is checked at 390 px, then the same tab is widened to 1280 px."""

    def __init__(self, browser: Any, base_url: str, who: str, kind: str, seen_by_kind: dict[str, int]) -> None:
        from axe_playwright_python.base import AXE_SCRIPT

        self.axe_script = AXE_SCRIPT
        self.base_url = base_url
        self.who = who
        self.context = browser.new_context(base_url=base_url, viewport=PHONE, color_scheme="light")
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.problems: list[str] = []
        self.visited: list[str] = []
        # Shapes already checked by someone of this kind (coach, client): some pages are alike for all of them.
        self.seen_by_kind = seen_by_kind

    def sign_in(self, email: str, password: str) -> None:
        self.page.goto("/accounts/login/")
        self.page.fill("input[name=login]", email)
        self.page.fill("input[name=password]", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state()
        assert "/accounts/login/" not in self.page.url, f"{email} could not sign in"

    def axe(self, where: str) -> None:
        if not self.page.evaluate("() => typeof axe !== 'undefined'"):
            self.page.evaluate(self.axe_script)
        for violation in self.page.evaluate(AXE_RUN)["violations"]:
            nodes = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:4])
            more = f" (+{len(violation['nodes']) - 4} more)" if len(violation["nodes"]) > 4 else ""
            self.problems.append(f"{where}: axe {violation['id']} [{violation['impact']}] {nodes}{more}")

    def fits(self, where: str) -> None:
        found = self.page.evaluate(OVERFLOW_JS)
        if found["scroll"] > found["inner"]:
            self.problems.append(
                f"{where}: scrolls sideways ({found['scroll']}px wide in {found['inner']}px): "
                + "; ".join(found["widest"])
            )

    def check(self, path: str, *, desktop_axe: bool) -> list[str]:
        """Check one page everywhere; answer the same-site links on it."""
        response = self.page.goto(path)
        status = response.status if response else 0
        final = urlsplit(self.page.url)
        label = f"{self.who} {path}" + (f" (-> {final.path})" if final.path != urlsplit(path).path else "")
        self.visited.append(shape(final.path))
        if status >= 500:
            self.problems.append(f"{label}: answered {status}")
            return []
        if "html" not in (response.headers.get("content-type", "") if response else ""):
            return []
        for scheme in ("light", "dark"):
            self.page.emulate_media(color_scheme=scheme)
            where = f"{label} [390px {scheme}]"
            self.fits(where)
            self.axe(where)
        unlabelled = self.page.evaluate(UNLABELLED_JS)
        if unlabelled:
            self.problems.append(f"{label} [390px]: table cells with no label on a phone: " + "; ".join(unlabelled))
        self.page.emulate_media(color_scheme="light")
        links: list[str] = self.page.evaluate(LINKS_JS)
        self.page.set_viewport_size(DESKTOP)
        self.fits(f"{label} [1280px light]")
        if desktop_axe:
            self.axe(f"{label} [1280px light]")
        self.page.set_viewport_size(PHONE)
        return links

    def crawl(self, start: str) -> None:
        base = urlsplit(self.base_url)
        queue = deque([start])
        seen = {start}
        per_shape: dict[str, int] = {}
        started = time.monotonic()
        while queue and len(self.visited) < PER_PERSON:
            path = queue.popleft()
            key = shape(urlsplit(path).path)
            if per_shape.get(key, 0) >= PER_SHAPE:
                continue
            if ALIKE_FOR_ALL.match(key) and self.seen_by_kind.get(key, 0) >= PER_SHAPE:
                continue
            per_shape[key] = per_shape.get(key, 0) + 1
            self.seen_by_kind[key] = self.seen_by_kind.get(key, 0) + 1
            for href in self.check(path, desktop_axe=self.seen_by_kind[key] == 1):
                url = urlsplit(urljoin(self.base_url + path, href))
                if url.netloc != base.netloc or url.scheme not in ("http", "https"):
                    continue
                target = url.path + (f"?{url.query}" if url.query else "")
                if SKIP.match(url.path) or target in seen:
                    continue
                seen.add(target)
                queue.append(target)
        print(f"  {self.who}: {len(self.visited)} pages in {time.monotonic() - started:.0f}s", flush=True)

    def close(self) -> None:
        self.context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_reachable_page_fits_a_phone_and_is_accessible_in_both_schemes(browser: Any, live_server: Any) -> None:
    from legwork.coaching.demo import CLIENTS, COACH_EMAIL, DEMO_PASSWORD, build_demo_practice
    from legwork.practice.models import Membership

    demo = build_demo_practice()
    people = [("visitor", None, "visitor"), ("coach", COACH_EMAIL, "coach")]
    people += [(pattern, email, "client") for pattern, email, _, _ in CLIENTS]
    # A practice admin other than the owner, if the demo has one.
    admins = Membership.objects.filter(role="admin").exclude(user=demo.coach).select_related("user")
    people += [(f"admin {m.user.email}", m.user.email, "coach") for m in admins]

    problems: list[str] = []
    seen_by_kind: dict[str, dict[str, int]] = {}
    visited_total = 0
    for who, email, kind in people:
        tab = Tab(browser, live_server.url, who, kind, seen_by_kind.setdefault(kind, {}))
        try:
            if email:
                tab.sign_in(email, DEMO_PASSWORD)
            tab.crawl("/")
            missing = MUST_REACH[kind] - set(tab.visited)
            if missing:
                tab.problems.append(
                    f"{who}'s crawl did not reach {sorted(missing)}; it visited {sorted(set(tab.visited))}"
                )
            print(f"{who}: {len(tab.visited)} pages, {len(tab.problems)} problems", flush=True)
            visited_total += len(tab.visited)
            problems += tab.problems
        finally:
            tab.close()
    print(f"sweep: {visited_total} pages checked")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)

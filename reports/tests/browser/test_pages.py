"""The public pages in a real browser: axe-core finds nothing, in every display mode and at phone and
laptop width; the menu, the modes and the keyboard work as a person uses them."""

from __future__ import annotations

import pytest

WIDTHS = {"wide": 1366, "narrow": 360}

MODES = {
    "简": [],
    "繁": [("govopen_script", "hant")],
    "大字": [("govopen_text", "large")],
}


def pages(site) -> dict[str, str]:
    """The pages every display mode is checked on, by name."""
    report = site["report"]
    return {
        "home": "/",
        "list": "/reports/?kind=annual_report",
        "search": "/reports/?q=%E6%B8%85%E9%95%87%E5%B8%82",  # 清镇市
        "report": report.get_absolute_url(),
        "statistics": "/statistics/?region=520100&year_from=2022&year_to=2023",
        "compare": "/statistics/compare/?region=520181&region=520102&year_from=2022&year_to=2023",
        "compliance": "/compliance/?region=520100&year=2023",
        "404": "/no-such-page/",
    }


# Run before any script of a page: what its Content-Security-Policy blocked (a violation found while
# parsing is reported later, to the listener registered by then).
CSP_LISTENER = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at line ${e.lineNumber}`);
});
"""


def new_page(browser, live_server, width, cookies=()):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN", accept_downloads=True)
    context.add_init_script(CSP_LISTENER)
    if cookies:
        context.add_cookies([{"name": n, "value": v, "url": live_server.url} for n, v in cookies])
    return context, context.new_page()


def csp_violations(page) -> list[str]:
    return page.evaluate("window.__csp")


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {node['target']} {node.get('failureSummary', '')[:160]}"
        for v in results.response["violations"]
        for node in v["nodes"]
    ]


# Elements that stick out of the page on the right, outside any box that scrolls or clips.
WIDER_THAN_PAGE = """() => {
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    if (el.getBoundingClientRect().right <= window.innerWidth + 1) continue;
    let p = el.parentElement;
    while (p && !["auto", "scroll", "hidden"].includes(getComputedStyle(p).overflowX)) p = p.parentElement;
    if (!p) out.push(el.tagName.toLowerCase() + (el.className ? "." + el.className : ""));
  }
  return out.slice(0, 6);
}"""


def wider_than_page(page) -> list[str]:
    return page.evaluate(WIDER_THAN_PAGE)


def every_page_passes_axe_in_every_mode_at_both_widths(browser, live_server, site, artifacts):
    """axe-core finds no violation of any impact on the eight pages, in 简, 繁 and large text, at 360
    and 1366 px; the Content-Security-Policy blocks nothing on them; no page scrolls sideways on a
    phone; the 简 pages are kept as screenshots."""
    found = []
    for mode, cookies in MODES.items():
        for width_name, width in WIDTHS.items():
            context, page = new_page(browser, live_server, width, cookies)
            for name, path in pages(site).items():
                response = page.goto(live_server.url + path)
                if response.status != (404 if name == "404" else 200):
                    found.append(f"[{mode} {width}px {name}] status {response.status}")
                    continue
                lang = page.get_attribute("html", "lang")
                assert lang == ("zh-Hant" if mode == "繁" else "zh-Hans"), (mode, name, lang)
                found += [f"[{mode} {width}px {name}] {v}" for v in axe_violations(page)]
                found += [f"[{mode} {width}px {name}] Content-Security-Policy: {v}" for v in csp_violations(page)]
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                if overflow > 0:
                    found.append(f"[{mode} {width}px {name}] scrolls sideways by {overflow}px: {wider_than_page(page)}")
                if mode != "繁":
                    shot = artifacts / f"{name}-{width}{'-large' if mode == '大字' else ''}.png"
                    page.screenshot(path=str(shot), full_page=True)
            context.close()
    (artifacts / "violations.txt").write_text("\n".join(found) + "\n", encoding="utf-8")
    assert not found, "\n".join(found)


def switches_set_the_modes_and_keep_them(browser, live_server, site):
    """The 繁體, 大字版 and 高对比度 links set a cookie, come back to the same page, and the modes stay on
    the next page: 繁 text with lang zh-Hant, text 1.5 times as large, the high-contrast class."""
    context, page = new_page(browser, live_server, 1366)
    page.goto(live_server.url + "/reports/?kind=annual_report")
    heading = page.locator(".brand-text strong")
    normal_height = heading.bounding_box()["height"]

    page.get_by_role("link", name="繁體").click()
    assert page.url.endswith("/reports/?kind=annual_report")
    assert page.get_attribute("html", "lang") == "zh-Hant"
    assert "公開" in page.locator(".brand-text strong").inner_text()
    page.get_by_role("link", name="大字版").click()
    page.get_by_role("link", name="高對比度").click()

    page.goto(live_server.url + "/")
    assert page.get_attribute("html", "lang") == "zh-Hant"
    assert {"text-large", "contrast-high"} <= set(page.get_attribute("html", "class").split())
    assert heading.bounding_box()["height"] >= 1.45 * normal_height
    assert axe_violations(page) == []

    page.get_by_role("link", name="簡體").click()
    page.get_by_role("link", name="标准字号").click()
    assert page.get_attribute("html", "lang") == "zh-Hans"
    assert "政府信息公开" in page.locator(".brand-text strong").inner_text()
    assert "text-large" not in page.get_attribute("html", "class")
    assert "contrast-high" in page.get_attribute("html", "class")
    context.close()


def phone_menu_and_filters_fold_away(browser, live_server, site):
    """At 360 px the main menu and the list filters are folded behind a button that opens them."""
    context, page = new_page(browser, live_server, 360)
    page.goto(live_server.url + "/reports/")
    menu = page.get_by_role("button", name="栏目导航")
    link = page.locator("#mainnav-links").get_by_role("link", name="统计分析")
    assert not link.is_visible()
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    assert link.is_visible()
    assert not page.locator("#filter-form").is_visible()
    page.get_by_role("button", name="筛选条件").click()
    assert page.locator("#filter-form").is_visible()
    context.close()


def keyboard_only_from_a_search_to_a_download(browser, live_server, site):
    """With the keyboard alone: skip link first, the search box, a result, the report, its CSV; the
    focused element is always outlined."""
    context, page = new_page(browser, live_server, 1366)
    page.goto(live_server.url + "/")

    def tab_to(test: str, limit: int = 80):
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"(el => {test})(document.activeElement)"):
                outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
                assert outline != "none", page.evaluate("document.activeElement.outerHTML")
                return
        raise AssertionError(f"no focusable element matching {test}")

    tab_to("el.classList.contains('skip')")
    tab_to("el.id === 'site-q'")
    page.keyboard.type("清镇市")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/reports/?q=" in url)
    tab_to("el.classList.contains('doc-title')")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: f"/reports/{site['report'].pk}/" in url)
    tab_to("(el.getAttribute('href') || '').endsWith('download.csv')")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".csv")
    context.close()


@pytest.mark.django_db(transaction=True)
def test_public_site_in_a_real_browser(browser, live_server, site, artifacts):
    """One test, so that the live server's transactional database is set up and emptied once."""
    keyboard_only_from_a_search_to_a_download(browser, live_server, site)
    phone_menu_and_filters_fold_away(browser, live_server, site)
    switches_set_the_modes_and_keep_them(browser, live_server, site)
    every_page_passes_axe_in_every_mode_at_both_widths(browser, live_server, site, artifacts)

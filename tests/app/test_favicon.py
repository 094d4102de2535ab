"""The app has an icon (vendored in static/img): linked from every page, and served at
/favicon.ico for the requests browsers make on their own."""
from __future__ import annotations

import io
import re

from PIL import Image

from tests.support.pages import text


def test_every_page_links_the_icon_and_it_is_served(client):
    page = text(client.get("/"))

    links = dict(re.findall(r'<link rel="(icon|apple-touch-icon)" href="([^"]+)"', page))
    assert set(links) == {"icon", "apple-touch-icon"}
    svg = client.get("/static/img/favicon.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert b"<svg" in svg.data
    root = client.get("/favicon.ico")
    assert root.status_code == 200 and root.mimetype == "image/vnd.microsoft.icon"
    icon = Image.open(io.BytesIO(root.data))
    assert icon.format == "ICO" and icon.size[0] >= 16
    touch = client.get(links["apple-touch-icon"])
    assert Image.open(io.BytesIO(touch.data)).size == (180, 180)
    for response in (svg, root, touch):
        response.close()

"""A batch's chunks are joined as they come back (issue 23, item 3): the print PDF keeps the
badges' order whatever order the render processes finish in, and a single chunk is the PDF
as rendered."""
from __future__ import annotations

from summit.models import BadgeSize
from summit.services.badges import design as bd, render as br, tokens as bt
from tests.support.pdf import page_count, pdf_fonts, pdf_text, save, squash

KEY = bt.Ed25519PrivateKey.generate()
DESIGNS = {"delegate": bd.Design()}


def chunk(*names: str) -> bytes:
    faces = [bd.BadgeFace(design="delegate", token=bt.sign(KEY, b"\0" * 8, n + 1), name=name)
             for n, name in enumerate(names)]
    return br.render_pdf(faces, DESIGNS, BadgeSize.A6)


def test_chunks_back_out_of_order_join_in_the_badges_order(tmp_path):
    parts = [chunk("甲一 赵波", "甲二"), chunk("乙一 扎西德勒"), chunk("丙一", "丙二 Anna")]
    joiner = br.Joiner(len(parts))
    for index in (2, 0, 1):  # the render processes finish in another order
        joiner.add(index, parts[index])

    path = save(joiner.result(), tmp_path)
    assert page_count(path) == 5
    assert [squash(pdf_text(path, n)) for n in range(1, 6)] == [
        "甲一赵波", "甲二", "乙一扎西德勒", "丙一", "丙二Anna"]
    embedded = dict(pdf_fonts(path))
    assert embedded and set(embedded.values()) == {"yes"}
    assert page_count(save(br.join_pdfs(parts), tmp_path, "joined.pdf")) == 5


def test_one_chunk_is_the_rendered_pdf_itself():
    part = chunk("赵波")
    joiner = br.Joiner(1)
    joiner.add(0, part)
    assert joiner.result() == part == br.join_pdfs([part])

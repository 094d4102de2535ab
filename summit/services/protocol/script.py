"""The host's script (主持词) of a signing ceremony, generated in Chinese from the data: the
greeting, the attending leaders in precedence order (a deputy named as such, absent leaders
left out), each signing in turn with its parties, project and amount, and the closing.

The organiser may edit the text before printing; the saved text is kept with the names it
was written for, so that when attendance changes afterwards the page can say the saved text
is out of date and which names changed. Regenerating overwrites the saved text."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import render_template
from flask_babel import lazy_gettext as _l

from summit.database import utcnow
from summit.extensions import db
from summit.models import AgendaItem, User
from summit.permissions import Permission, require
from summit.services.core import audit, fonts, money
from summit.services.core.errors import ValidationFailed
from summit.services.core.pdf import render_document
from summit.services.core.validation import has_bad_characters
from summit.services.protocol import ceremony, precedence

MAX_SCRIPT = 20_000
DIGITS = "零一二三四五六七八九"


def chinese_number(number: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 35 -> 三十五 (up to 99; larger as digits)."""
    if not 0 < number < 100:
        return str(number)
    tens, ones = divmod(number, 10)
    text = ("" if tens == 1 else DIGITS[tens]) + "十" if tens else ""
    return text + (DIGITS[ones] if ones else "")


def leader_words(attendee: precedence.Attendee) -> str:
    """How the host names a leader: organisation, title, name; a deputy as such."""
    entry = attendee.entry
    who = f"{entry.organisation}{entry.title}"
    if attendee.deputy:
        return f"受{who}{entry.name}同志委托出席的{attendee.name}同志"
    return f"{who}{attendee.name}同志"


def name_label(attendee: precedence.Attendee) -> str:
    """A leader in the list of names the script was written for."""
    return f"{attendee.name}（代{attendee.entry.name}）" if attendee.deputy else attendee.name


def _greeting_time(item: AgendaItem) -> str:
    hour = item.start.hour
    return "上午好" if hour < 12 else "下午好" if hour < 18 else "晚上好"


def _signatories(parties: list[ceremony.Signatory]) -> str:
    return "、".join(f"{p.organisation}{p.title}{p.name}" if p.name else p.organisation
                    for p in parties)


def generate(sheet: ceremony.RunSheet) -> str:
    item = sheet.item
    lines = ["尊敬的各位领导、各位嘉宾，女士们、先生们：", f"大家{_greeting_time(item)}！", ""]
    lines.append(f"{item.summit.title_zh}{item.title_zh}现在开始。")
    if sheet.attendees:
        lines.append("出席今天签约仪式的领导有：")
        named = [leader_words(a) for a in sheet.attendees]
        lines += [f"{words}；" for words in named[:-1]] + [f"{named[-1]}。"]
        lines.append("让我们以热烈的掌声对各位领导的到来表示欢迎！")
    lines.append("")
    if sheet.signings:
        lines.append(f"今天共有{chinese_number(len(sheet.signings))}个项目签约。下面，进行签约。")
        for signing in sheet.signings:
            agreement = signing.agreement
            lines.append(
                f"第{chinese_number(signing.number)}项，签署《{agreement.title}》，"
                f"金额{money.format_amount(agreement.amount)}。"
                f"请{_signatories(signing.host)}和{_signatories(signing.guest)}上台签约")
            if signing.witnesses:
                names = "、".join(w.name for w in signing.witnesses)
                lines[-1] += f"，请{names}同志见证"
            lines[-1] += "。"
        lines.append("签约完毕，请签约双方交换文本、握手合影。")
        lines.append("")
    lines.append("祝各项合作取得丰硕成果！签约仪式到此结束，谢谢大家！")
    return "\n".join(lines)


@dataclass
class Script:
    text: str
    saved: bool            # the organiser's saved text (else generated just now)
    generated: str         # the text as the data gives it now
    added: list[str] = field(default_factory=list)    # names attending now, not when saved
    removed: list[str] = field(default_factory=list)  # names in the saved text, gone now

    @property
    def out_of_date(self) -> bool:
        return self.saved and bool(self.added or self.removed)


def current(item: AgendaItem) -> Script:
    sheet = ceremony.compute(item)
    generated = generate(sheet)
    settings = sheet.settings
    if not settings.script_text:
        return Script(generated, False, generated)
    now = [name_label(a) for a in sheet.attendees]
    then = list(settings.script_names or [])
    return Script(settings.script_text, True, generated,
                  added=[n for n in now if n not in then],
                  removed=[n for n in then if n not in now])


def _names(item: AgendaItem) -> list[str]:
    return [name_label(a) for a in precedence.attendees(item.summit, item)]


def save(actor: User, item: AgendaItem, text: str) -> None:
    """Keep the organiser's edited text (and the names it was written for)."""
    require(actor, Permission.PROTOCOL_WRITE, item.summit)
    ceremony.check_item(item)
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationFailed(_l("The script is empty; regenerate it instead."), "text")
    if len(text) > MAX_SCRIPT:
        raise ValidationFailed(_l("At most %(count)s characters.", count=MAX_SCRIPT), "text")
    if has_bad_characters(text, multiline=True):
        raise ValidationFailed(
            _l("Remove control characters or line breaks from this field."), "text")
    _store(actor, item, text, "ceremony.script_save")


def regenerate(actor: User, item: AgendaItem) -> None:
    """Overwrite the saved text with the text generated from the data now."""
    require(actor, Permission.PROTOCOL_WRITE, item.summit)
    ceremony.check_item(item)
    _store(actor, item, generate(ceremony.compute(item)), "ceremony.script_regenerate")


def _store(actor: User, item: AgendaItem, text: str, action: str) -> None:
    settings = ceremony.stored(item)
    before = {"script_text": settings.script_text}
    settings.script_text, settings.script_names = text, _names(item)
    settings.script_saved_at = utcnow()
    audit.record(actor, action, settings, summit=item.summit, before=before,
                 after={"script_text": text})
    db.session.commit()


SCRIPT_CSS = """
@page { size: A4; margin: 20mm 18mm;
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 9pt; color: #777; } }
html { font-family: %(family)s; font-size: 15pt; line-height: 1.7; color: #111; }
h1 { font-size: 19pt; text-align: center; margin: 0 0 2mm; }
.sub { text-align: center; font-size: 10pt; color: #555; margin: 0 0 8mm; }
p { margin: 0 0 2.5mm; text-indent: 2em; }
p.gap { height: 3mm; }
p.first { text-indent: 0; }
"""


def script_pdf(item: AgendaItem, text: str) -> bytes:
    paragraphs = text.split("\n")
    html = render_template("protocol/print/script.html", item=item, paragraphs=paragraphs)
    return render_document(html, SCRIPT_CSS % {"family": fonts.family_css()})

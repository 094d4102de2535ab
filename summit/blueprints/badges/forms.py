from flask_babel import lazy_gettext as _l, lazy_pgettext as _p
from wtforms import SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from summit.forms import BaseForm
from summit.models import BadgeSelection, BadgeSize
from summit.services.badges.batches import SELECTION_LABELS, SIZE_LABELS
from summit.services.badges.issuing import sample_choices


def size_field(label=None) -> SelectField:
    return SelectField(label or _l("Size"),
                       choices=[SelectChoice(s.value, SIZE_LABELS[s]) for s in BadgeSize],
                       default=BadgeSize.A6.value)


class BatchForm(BaseForm):
    selection = SelectField(_l("Print for"), choices=[SelectChoice(s.value, SELECTION_LABELS[s])
                                                for s in BadgeSelection],
                            default=BadgeSelection.NOT_PRINTED.value)
    category = SelectField(_l("Category (when printing one category)"), choices=[],
                           validators=[Optional()])
    delegation = SelectField(_l("Delegation (when printing one delegation)"), choices=[],
                             validators=[Optional()])
    size = size_field()
    submit = SubmitField(_p("action", "Print"))


class TemplateForm(BaseForm):
    band_colour = StringField(_l("Band colour"), validators=[Optional(), Length(max=7)],
                              description=_l("Like #c0392b. Empty: the category's colour."))
    text_colour = StringField(_l("Band text colour"), validators=[DataRequired(), Length(max=7)],
                              default="#ffffff")
    title_zh = StringField(_l("Category in words (Chinese)"),
                           validators=[Optional(), Length(max=60)],
                           description=_l("Empty: the category's name."))
    title_en = StringField(_l("Category in words (English)"),
                           validators=[Optional(), Length(max=60)])
    footer = StringField(_l("Footer"), validators=[Optional(), Length(max=120)],
                         description=_l("Empty: the summit's title."))
    html = TextAreaField(_l("Badge HTML (Jinja, optional)"), validators=[Optional()],
                         render_kw={"rows": 12, "spellcheck": "false", "class": "code"},
                         description=_l("Empty: the built-in design. Variables: b.name, "
                                        "b.name_native, b.pinyin, b.organisation, b.position, "
                                        "b.title, b.title_en, b.zones, b.qr, b.footer, size."))
    css = TextAreaField(_l("Extra CSS (optional)"), validators=[Optional()],
                        render_kw={"rows": 8, "spellcheck": "false", "class": "code"},
                        description=_l("Style rules only; they apply to this category's "
                                       "badges."))
    sample = SelectField(_l("Preview with"), choices=[SelectChoice(k, v)
                                                      for k, v in sample_choices()],
                         default="zh_hans")
    size = size_field(_l("Preview size"))
    submit = SubmitField(_l("Save template"))


class RevokeForm(BaseForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Revoke badge"))

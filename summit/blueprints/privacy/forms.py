from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from summit.forms import BaseForm
from summit.models import RequestStatus
from summit.services.privacy.requests import KIND_LABELS, MAX_TEXT, STATUS_LABELS


class DataRequestForm(BaseForm):
    kind = SelectField(_l("What do you ask for?"), choices=[
        SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()])
    reason = TextAreaField(_l("Reason (what is wrong, or why it should be deleted)"),
                           validators=[DataRequired(), Length(max=MAX_TEXT)])
    submit = SubmitField(_l("Send the request"))


class AnswerForm(BaseForm):
    status = SelectField(_l("Answer"), choices=[
        SelectChoice(status.value, STATUS_LABELS[status]) for status in RequestStatus
        if status is not RequestStatus.OPEN])
    answer = TextAreaField(_l("Answer to the person (required when data is kept)"),
                           validators=[Optional(), Length(max=MAX_TEXT)])
    submit = SubmitField(_l("Answer"))


class NoticeForm(BaseForm):
    text_zh_hans = TextAreaField(_l("Notice (simplified Chinese)"),
                                 validators=[DataRequired(), Length(max=20000)])
    text_zh_hant = TextAreaField(_l("Notice (traditional Chinese)"),
                                 validators=[DataRequired(), Length(max=20000)])
    text_en = TextAreaField(_l("Notice (English)"),
                            validators=[DataRequired(), Length(max=20000)])
    submit = SubmitField(_l("Publish a new version"))

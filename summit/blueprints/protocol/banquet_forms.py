"""Forms for banquet tables and table cards: shape only (the services check the rules)."""
from flask_babel import lazy_gettext as _l, lazy_pgettext as _p
from wtforms import IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from summit.forms import BaseForm
from summit.models import CardScope
from summit.services.protocol.banquet import MAX_PER_ROW, MAX_ROOM, MAX_TABLE_SEATS, MAX_TABLES
from summit.services.protocol.cards import SCOPE_LABELS, SIZE_LABELS
from summit.services.protocol.seating import CONVENTION_LABELS


class TablesForm(BaseForm):
    tables = IntegerField(_l("Tables"), validators=[InputRequired(), NumberRange(1, MAX_TABLES)],
                          default=6)
    seats = IntegerField(_l("Seats at each table"),
                         validators=[InputRequired(), NumberRange(1, MAX_TABLE_SEATS)],
                         default=10)
    convention = SelectField(_l("Convention"), default="government", choices=[
        SelectChoice(member.value, label) for member, label in CONVENTION_LABELS.items()])
    per_row = IntegerField(_l("Tables a row on the chart"),
                           validators=[InputRequired(), NumberRange(1, MAX_PER_ROW)], default=5)
    room = StringField(_p("banquet room", "Room"), validators=[Optional(), Length(max=MAX_ROOM)])
    meal_id = SelectField(_l("Reception meal seated at these tables"), choices=[],
                          validate_choice=False)


class TableForm(BaseForm):
    seats = IntegerField(_l("Seats"), validators=[InputRequired(),
                                                  NumberRange(1, MAX_TABLE_SEATS)])
    room = StringField(_p("banquet room", "Room"), validators=[Optional(), Length(max=MAX_ROOM)])


class TablePlaceForm(BaseForm):
    person = SelectField(_l("Guest"), choices=[])
    table = IntegerField(_l("Table"), validators=[InputRequired(), NumberRange(1, MAX_TABLES)])
    seat = IntegerField(_l("Seat"), validators=[InputRequired(),
                                                NumberRange(1, MAX_TABLE_SEATS)])


class CardsForm(BaseForm):
    scope = SelectField(_l("Which cards"), default="everyone", choices=[
        SelectChoice(scope.value, label) for scope, label in SCOPE_LABELS.items()
        if scope is not CardScope.CHANGED])
    table = IntegerField(_l("Table (for one table)"),
                         validators=[Optional(), NumberRange(1, MAX_TABLES)])
    size = SelectField(_l("Paper"), default="a4", choices=[
        SelectChoice(size.value, label) for size, label in SIZE_LABELS.items()])


class ChangedCardsForm(BaseForm):
    size = SelectField(_l("Paper"), default="a4", choices=[
        SelectChoice(size.value, label) for size, label in SIZE_LABELS.items()])

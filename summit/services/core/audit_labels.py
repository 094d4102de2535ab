"""The words of the audit log: each action, kind of object, field and stored code a person may
read there, in their language. ``audit_words`` uses them to word an entry; an area adds the
words for its own codes with ``audit_words.name_values``/``name_enums``.
``tests/app/test_audit_words.py`` fails on an action or a field without words here."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l, lazy_pgettext as _p

from summit.permissions import ROLE_LABELS

ACTION_LABELS = {
    "agenda.publish": _l("Programme published"),
    "agenda_item.cancel": _l("Programme item cancelled"),
    "agenda_item.configure_seats": _l("Seats of an item set"),
    "agenda_item.create": _l("Programme item added"),
    "agenda_item.participant_add": _l("Participant added to an item"),
    "agenda_item.participant_remove": _l("Participant removed from an item"),
    "agenda_item.restore": _l("Programme item restored"),
    "agenda_item.update": _l("Programme item changed"),
    "agreement.correct": _l("Agreement corrected"),
    "agreement.import": _l("Agreement imported"),
    "agreement.record": _l("Agreement recorded"),
    "agreement.update.status": _l("Agreement status updated"),
    "agreement.update.milestone": _l("Agreement milestone recorded"),
    "agreement.update.funds": _l("Funds in place updated"),
    "agreement.update.note": _l("Note added to an agreement"),
    "api_token.issue": _l("API token issued"),
    "api_token.revoke": _l("API token revoked"),
    "arrival.conflict": _l("Let in at two gates while offline"),
    "attendance.export": _l("Attendance exported"),
    "badge.reissue": _l("Badge reissued"),
    "badge.restore": _l("Badge restored"),
    "badge.revoke": _l("Badge revoked"),
    "badge_batch.interrupted": _l("Badge printing interrupted"),
    "badge_batch.printed": _l("Badges printed"),
    "badge_batch.retry": _l("Badge printing retried"),
    "badge_batch.start": _l("Badge printing started"),
    "badge_template.save": _l("Badge template saved"),
    "booking.cancel": _l("Seat booking cancelled"),
    "booking.claim": _l("Offered seat taken"),
    "booking.create": _l("Seat booked"),
    "booking.expire": _l("Seat offer expired"),
    "booking.item_cancelled": _l("Booking ended: item cancelled"),
    "booking.offer": _l("Seat offered from the waiting list"),
    "booking.release": _l("Seat given back"),
    "category.create": _l("Category added"),
    "category.delete": _l("Category deleted"),
    "category.update": _l("Category changed"),
    "checkin.manual": _l("Checked in at the desk"),
    "delegation.create": _l("Delegation added"),
    "delegation.update": _l("Delegation changed"),
    "gate.add": _l("Gate added"),
    "gate.remove": _l("Gate removed"),
    "invitation.create": _l("Invitation code created"),
    "membership.grant": _l("Role given"),
    "membership.revoke": _l("Role taken away"),
    "press.approve": _l("Press application accredited"),
    "press.create": _l("Press application started"),
    "press.needs_info": _l("More information asked of a journalist"),
    "press.reject": _l("Press application rejected"),
    "press.resubmit": _l("Press application sent again"),
    "press.revoke": _l("Press accreditation revoked"),
    "press.submit": _l("Press application submitted"),
    "press.update": _l("Press application changed"),
    "press.waitlist": _l("Press application put on the waiting list"),
    "press.withdraw": _l("Press application withdrawn"),
    "press_quota.delete": _l("Press quota removed"),
    "press_quota.set": _l("Press quota set"),
    "press_release.publish": _l("Press release published"),
    "registration.approve": _l("Registration approved"),
    "registration.cancel": _l("Registration cancelled"),
    "registration.create": _l("Registration received"),
    "registration.export_logistics": _l("Travel and hotel list exported"),
    "registration.export_private": _l("Registrations exported with ID numbers"),
    "registration.import": _l("Registrations imported"),
    "registration.promote": _l("Moved up from the waiting list"),
    "registration.reject": _l("Registration rejected"),
    "registration.update": _l("Registration changed"),
    "registration.withdraw": _l("Registration withdrawn"),
    "room.create": _l("Room added"),
    "room.delete": _l("Room deleted"),
    "room.update": _l("Room changed"),
    "summit.create": _l("Summit created"),
    "summit.update": _l("Summit settings changed"),
    "user.create": _l("Account created"),
    "user.logout_everywhere": _l("Logged out on every device"),
    "user.reset_password": _l("Password reset"),
    "user.set_active": _l("Account switched on or off"),
    "user.set_admin": _l("Administrator right changed"),
    "user.set_locale": _l("Language chosen"),
    "user.update": _l("Account changed"),
    "user.verify_email": _l("Email address confirmed"),
    "zone.create": _l("Zone added"),
    "zone.delete": _l("Zone deleted"),
    # personal data (docs/privacy.md)
    "data_request.answer": _l("Personal-data request answered"),
    "data_request.create": _l("Personal-data request made"),
    "press.view_private": _l("Full press card number viewed"),
    "privacy.download_own": _l("Own data downloaded"),
    "privacy.erase_person": _l("Personal data erased"),
    "privacy.purge_summit": _l("Summit's personal data anonymised"),
    "privacy_notice.publish": _l("Personal-data notice published"),
}

OBJECT_LABELS = {
    "agenda_items": _l("Programme item"), "agenda_versions": _l("Programme version"),
    "agreements": _l("Agreement"), "api_tokens": _l("API token"), "arrivals": _l("Arrival"),
    "attendee_categories": _l("Category"), "badge_jobs": _l("Badge printing"),
    "badge_templates": _l("Badge template"), "badges": _l("Badge"), "checkins": _l("Check-in"),
    "delegations": _l("Delegation"), "gates": _l("Gate"), "invitations": _l("Invitation code"),
    "memberships": _l("Role"), "press_applications": _l("Press application"),
    "press_quotas": _l("Press quota"), "press_releases": _l("Press release"),
    "registrations": _p("object", "Registration"), "rooms": _l("Room"),
    "seat_bookings": _l("Seat booking"), "summits": _l("Summit"), "users": _l("Account"),
    "zones": _l("Zone"),
    "data_requests": _l("Personal-data request"), "privacy_notices": _l("Personal-data notice"),
}

FIELD_LABELS = {
    "active": _l("Active"), "agenda_item_id": _l("Programme item"), "badges": _l("Badges"),
    "band_colour": _l("Band colour"), "capacity": _l("Capacity"), "category": _l("Category"),
    "code": _l("Code"), "colour": _l("Colour"), "county": _l("County"),
    "css": _l("Style sheet"), "decision": _l("Decision"),
    "description_en": _l("Description (English)"),
    "description_zh": _l("Description (Chinese)"), "device": _l("Device"), "email": _l("Email"),
    "email_verified_at": _l("Email confirmed at"), "ends_on": _l("End date"),
    "files": _l("Files"), "footer": _l("Footer"), "funds_in_place": _l("Funds in place"),
    "gate": _l("Gate"), "html": _l("Layout"), "is_admin": _l("Administrator"),
    "key": _l("Key"), "kind": _l("Kind"), "label_en": _l("Name (English)"),
    "label_zh": _l("Name (Chinese)"), "limit": _l("Limit"), "locale": _l("Language"),
    "message": _l("Message"), "name": _l("Name"), "name_en": _l("Name (English)"),
    "name_zh": _l("Name (Chinese)"), "offline": _l("Offline"), "phones": _l("Phone numbers"),
    "position": _l("Order"), "prefix": _l("Token"), "public": _l("Open registration"),
    "purpose": _l("Purpose"), "quota": _l("Quota"), "reason": _l("Reason"),
    "reason_code": _l("Reason"), "registrar_id": _l("Liaison"),
    "registration_id": _p("object", "Registration"), "role": _l("Role"), "rows": _l("Rows"),
    "scan_id": _l("Scan"), "scanned_at": _l("Scanned at"), "selection": _l("Selection"),
    "size": _l("Size"), "slug": _l("Web address"), "source": _l("Source"),
    "starts_on": _l("Start date"), "status": _l("Status"), "status_reason": _l("Reason"),
    "text_colour": _l("Text colour"), "theme_en": _l("Theme (English)"),
    "theme_zh": _l("Theme (Chinese)"), "timezone": _l("Time zone"), "title": _p("field", "Title"),
    "title_en": _l("Title (English)"), "title_zh": _l("Title (Chinese)"), "token": _l("Token"),
    "total": _l("Total"), "user": _l("Account"), "zones": _l("Zones"),
    "name_native": _l("Name in native script"), "name_pinyin": _l("Pinyin"),
    "organisation_name": _l("Organisation"), "phone": _l("Mobile phone"),
    "category_id": _l("Category"), "delegation_id": _l("Delegation"), "day": _l("Date"),
    "start": _l("Starts"), "end": _l("Ends"), "room_id": _l("Room"),
    "bookable": _l("Booking required"), "sector": _l("Sector"), "amount": _l("Amount"),
    "amount_kind": _l("Amount kind"), "signed_at": _l("Signed at"),
    "on_stage": _l("Signed on stage"), "witnesses": _l("Witnesses"),
    "expected_jobs": _l("Expected jobs"), "households_helped": _l("Households helped"),
    "predecessor_id": _l("Replaces agreement"), "ceremony_item_id": _l("Signing ceremony"),
    "city": _l("City"), "venue": _l("Venue"),
    "registration_opens_at": _l("Registration opens"),
    "registration_closes_at": _l("Registration closes"),
    "edit_deadline": _l("Changes allowed until"), "press_enabled": _l("Media accreditation"),
    "press_deadline": _l("Press applications close"),
    "press_category_code": _l("Press category"), "host": _p("organisation", "Host"),
    "organiser": _p("organisation", "Organiser"),
    "supporter": _p("organisation", "Supported by"),
    "arrived_at": _l("Arrived at"), "changes": _l("Changes"), "checkin_id": _l("Check-in"),
    "delegation": _l("Delegation"), "filters": _l("Filters"), "item_id": _l("Programme item"),
    "items": _l("Programme items"), "late_checkin_id": _l("Second check-in"),
    "late_gate": _l("Second gate"), "letter_token": _l("Assignment letter"),
    "max_uses": _l("Uses allowed"), "media_type": _l("Media type"),
    "number": _l("Version number"), "offer_expires_at": _l("Offer expires at"),
    "outlet_name": _l("Outlet"), "participant": _l("Participant"),
    "press_card_number": _l("National press card number"), "region": _l("Region"),
    "result": _l("Result"), "vehicle_plate": _l("Vehicle plate"), "website": _l("Website"),
    # personal data (docs/privacy.md)
    "due_on": _l("Answer due"), "fields": _l("Fields shown in full"),
    "kept": _l("Kept by law"), "press_applications": _l("Press applications"),
    "registrations": _l("Registrations"), "sections": _l("Sections downloaded"),
    "version": _l("Version"),
    # columns of a person's own download (services/privacy/mydata.py)
    "accepted_at": _l("Accepted at"), "accessibility": _l("Accessibility needs"),
    "action": _l("Action"), "after": _l("After"), "aide_role": _l("Accompanying as"),
    "answer": _l("Answer"), "arrival_date": _l("Arrival date"),
    "arrival_pickup": _l("Pick-up on arrival"), "arrival_time": _l("Arrival time"),
    "arrival_transport": _l("Arriving by"), "attempts": _l("Attempts"),
    "attended_at": _l("Attended at"), "badge_version": _l("Badge version"),
    "before": _l("Before"), "card_warning": _l("Press card to be checked"),
    "confirmed_by_staff": _l("Confirmed by staff"), "consented_at": _l("Consent given at"),
    "created_at": _l("Created at"), "decided_at": _l("Decided at"),
    "departure_date": _l("Departure date"), "departure_pickup": _l("Drop-off on departure"),
    "departure_time": _l("Departure time"), "departure_transport": _l("Leaving by"),
    "diet": _l("Diet"), "diet_note": _l("Diet note"), "ended_at": _l("Ended at"),
    "expires_at": _l("Expires at"), "finished_at": _l("Finished at"),
    "guest_name": _l("Guest name"), "guest_organisation": _l("Guest organisation"),
    "guest_title": _l("Guest title"), "handled_at": _l("Handled at"),
    "id_number": _l("ID number"), "id_type": _l("ID type"),
    "internal_note": _l("Internal note"),
    "last_login_at": _l("Last signed in at"), "last_used_at": _l("Last used at"),
    "letter_name": _l("Assignment letter file"), "method": _l("Method"),
    "object_type": _l("About"), "offered_at": _l("Offered at"),
    "outlet_key": _l("Outlet key"), "photo_token": _l("Photo"),
    "pinyin_overridden": _l("Pinyin corrected by hand"), "printed_at": _l("Printed at"),
    "printed_version": _l("Printed version"), "queued_at": _l("Queued at"),
    "received_at": _l("Received at"), "ref": _l("Badge reference"), "remember": _l("Remember me"),
    "revoked_at": _l("Revoked at"), "revoked_reason": _l("Reason for revoking"),
    "room_sharing": _l("Room sharing"), "scope": _l("Scope"),
    "sensitive_consent": _l("Separate consent for ID number and photo"),
    "serial_number": _l("Serial number"), "status_at": _l("Status since"),
    "submitted_at": _l("Submitted at"), "updated_at": _l("Updated at"),
    "walk_in": _l("Walk-in"), "table_number": _l("Table"),
}
# A field whose meaning depends on the object: a registration's position is a job title.
KIND_FIELD_LABELS = {
    "registrations": {"position": _l("Position")},
    "press_equipment": {"item": _l("Equipment")},
    "precedence_entries": {"name": _p("person", "Name"), "title": _p("person", "Title")},
    "hotels": {"rooms": _p("hotel room", "Rooms")},
}

# reception (issue 19)
ACTION_LABELS.update({
    "hotel.create": _l("Hotel added"), "room_block.create": _l("Room block added"),
    "room.assign": _l("Person put in a room"), "room.propose": _l("Rooms proposed"),
    "room.export": _l("Rooming list downloaded"),
    "room.export_pdf": _l("Rooming list printed"),
    "registration.room_wish": _l("Room wish changed"),
    "meal.save": _l("Meal saved"), "reception.seed": _l("Demo reception loaded"),
    "trip.save": _l("Arrival or departure saved"), "trip.delete": _l("Trip deleted"),
    "trip.import": _l("Trip imported"), "vehicle.save": _l("Vehicle saved"),
    "transfer.create": _l("Pick-up added"), "transfer.delete": _l("Pick-up deleted"),
    "transfer.propose": _l("Pick-up proposed"), "transfer.vehicle": _l("Pick-up vehicle changed"),
    "transfer.passenger_add": _l("Passenger added to a pick-up"),
    "transfer.passenger_remove": _l("Passenger removed from a pick-up"),
    "transfer.passenger_moved": _l("Passenger moved to a later pick-up"),
    "transfer.passenger_unplaced": _l("Passenger left without a pick-up"),
    "transfer.passenger_status": _l("Passenger marked by the driver"),
})
OBJECT_LABELS.update({
    "trips": _l("Trip"), "vehicles": _l("Vehicle"), "transfers": _l("Pick-up"),
    "transfer_passengers": _l("Passenger"), "meal_sessions": _l("Meal"),
    "hotels": _l("Hotel"), "room_blocks": _l("Room block"),
    "room_assignments": _l("Room assignment"),
})
FIELD_LABELS.update({
    "arrivals": _l("Arrivals"), "assignments": _l("Assignments"), "at": _l("Time"),
    "beds": _l("Beds"), "categories": _l("Categories"), "confirmed": _l("Confirmed by staff"),
    "count": _l("Rooms"), "direction": _l("Arrival or departure"), "driver": _l("Driver"),
    "driver_name": _l("Driver"), "driver_phone": _l("Driver's phone"),
    "ends_at": _l("Ends at"), "first_night": _l("First night"), "gender": _l("Gender"),
    "hotel": _l("Hotel"), "hotels": _l("Hotels"), "meal": _l("Meal"), "mode": _l("By"),
    "night": _l("Night"), "nights": _l("Nights"), "people": _l("People"),
    "place": _l("Airport or station"), "plate": _l("Plate"), "price": _l("Price (yuan)"),
    "room_wish": _l("Room wish"), "rooms": _l("Rooms"), "seated": _l("Seated"),
    "seats": _l("Seats"), "starts_at": _l("Starts at"), "transfer_id": _l("Pick-up"),
    "type": _l("Room type"), "unplaced": _l("Not placed"), "vehicle_id": _l("Vehicle"),
    "vehicles": _l("Vehicles"),
})
KIND_FIELD_LABELS["trips"] = {"number": _l("Flight or train number")}

# the on-site desk (issue 20, docs/desk.md)
ACTION_LABELS.update({
    "badge.print": _l("Badge sent to a printer"), "badge.printed": _l("Badge printed"),
    "badge.print_failed": _l("Badge print failed"),
    "badge.print_resend": _l("Badge print sent to another printer"),
    "badge.unlock": _l("Badge unlocked for a reprint"),
    "desk.save": _l("Registration desk saved"), "printer.add": _l("Printer added"),
    "printer.remove": _l("Printer removed"),
    "registration.add_aide": _l("Accompanying person added"),
    "registration.cancel_with_principal": _l("Cancelled with the person accompanied"),
    "registration.substitute": _l("Substitute named"),
    "registration.substitute_refuse": _l("Substitute refused"),
    "registration.walk_in": _l("Walk-in registered at the desk"),
})
OBJECT_LABELS.update({
    "printers": _l("Printer"), "printer_pools": _l("Registration desk"),
    "print_jobs": _l("Badge print"),
})
FIELD_LABELS.update({
    "bookings_moved": _l("Seat bookings moved"), "desk": _l("Registration desk"),
    "error": _l("Printer's reason"), "kiosk": _l("Self-service kiosk"),
    "paper": _l("Paper"), "press_person_id": _l("Journalist"),
    "principal": _l("Accompanying"), "printer": _l("Printer"),
    "registration": _p("object", "Registration"), "restored": _l("Place given back"),
    "substitute": _l("Substitute"), "substitute_for": _l("In place of"),
    "substitute_name": _l("Substitute's name"), "unlocked": _l("Unlocked"),
    "uri": _l("Printer address"), "walk_in_approve": _l("Desk approves walk-ins"),
    "walk_in_category_ids": _l("Categories for walk-ins"),
})

# protocol (issue 18)
ACTION_LABELS.update({
    "podium.configure": _l("Podium set up"), "podium.place": _l("Seat placed by hand"),
    "podium.unlock": _l("Seat unlocked"), "precedence.add": _l("Leader added to the list"),
    "precedence.attendance": _l("Leader's attendance changed"),
    "precedence.move": _l("Leader moved in the list"),
    "precedence.remove": _l("Leader removed from the list"),
    "precedence.reorder": _l("Precedence list reordered"),
})
OBJECT_LABELS.update({
    "precedence_entries": _l("Leader"), "podiums": _l("Podium"),
    "item_attendances": _l("Attendance"), "seat_placements": _l("Seat"),
})
FIELD_LABELS.update({
    "convention": _l("Seating convention"), "deputy_name": _l("Deputy"),
    "entry_id": _l("Leader"), "locked": _l("Locked"), "order": _l("Order"),
    "organisation": _l("Organisation"), "rank": _l("Rank"), "row": _l("Row"),
    "seat": _l("Seat"), "seats_per_row": _l("Seats per row"),
})

# finishing personal data, desk and reception (issues 19-21, third wave)
ACTION_LABELS.update({
    "summit.registrar_aides": _l("Limits for aides added by registrars changed"),
    "desk.kiosk_exit": _l("Kiosk mode ended by a staff sign-in"),
    "reception.hand_over": _l("Pick-up seats and room nights handed to the substitute"),
    "reception.hand_back": _l("Pick-up seats and room nights handed back"),
})
FIELD_LABELS.update({
    "id_required": _l("Needs an ID number"), "id_reason": _l("Why it needs an ID number"),
    "registrar_aides": _l("Aides a registrar may add per person"),
    "registrar_aide_category": _l("Category of aides added by registrars"),
    "from": _l("From"), "from_name": _l("From"), "to": _l("To"), "to_name": _l("To"),
    "address": _l("Address"), "subject": _l("Subject"), "sent_at": _l("Sent at"),
})

# banquet tables and table cards (issue 18)
ACTION_LABELS.update({
    "banquet.configure": _l("Tables set up"), "banquet.table": _l("Table changed"),
    "banquet.place": _l("Guest placed at a table by hand"),
    "banquet.unlock": _l("Table seat unlocked"),
    "table_cards.start": _l("Table cards sent to print"),
    "table_cards.printed": _l("Table cards printed"),
    "table_cards.retry": _l("Table cards sent to print again"),
    "table_cards.interrupted": _l("Table card printing interrupted"),
    "table_cards.withdrawn": _l("Table cards withdrawn"),
})
OBJECT_LABELS.update({
    "banquets": _l("Tables"), "banquet_tables": _l("Table"),
    "table_placements": _l("Seat at a table"), "table_card_jobs": _l("Table cards"),
})
FIELD_LABELS.update({
    "tables": _l("Tables"), "seats": _l("Seats"), "per_row": _l("Tables a row"),
    "room": _l("Room"), "meal_id": _l("Meal"), "table": _l("Table"),
    "scope": _l("Which cards"), "cards": _l("Cards"),
})

# signing ceremony and host's script (issue 18)
ACTION_LABELS.update({
    "ceremony.configure": _l("Signing ceremony run-sheet set up"),
    "ceremony.reorder": _l("Signings reordered"),
    "ceremony.witnesses": _l("Witnesses of a signing chosen"),
    "ceremony.script_save": _l("Host's script saved"),
    "ceremony.script_regenerate": _l("Host's script regenerated"),
    "podium.seating": _l("Podium seats set through the API"),
    "precedence.link": _l("Leader linked to a registration"),
})
OBJECT_LABELS.update({
    "signing_ceremonies": _l("Signing ceremony"), "ceremony_signings": _l("Signing"),
})
FIELD_LABELS.update({
    "order_by": _l("Order of signings"), "witnesses": _l("Witnesses"),
    "agreement_id": _l("Agreement"), "script_text": _l("Host's script"),
    "placements": _l("Seats set by hand"),
})

# Stored values that are codes (states, roles, yes/no) and the words for them.
VALUE_LABELS = {
    "pending": _l("Pending review"), "approved": _l("Approved"), "rejected": _l("Rejected"),
    "cancelled": _l("Cancelled"), "withdrawn": _l("Withdrawn"), "waitlisted": _l("Waiting list"),
    "submitted": _l("Submitted"), "needs_info": _l("More information needed"),
    "revoked": _l("Revoked"), "draft": _l("Draft"), "confirmed": _l("Confirmed"),
    "offered": _l("Seat offered"), "expired": _l("Expired"), "signed": _l("Signed"),
    "contracted": _l("Contract signed"), "construction_started": _l("Construction started"),
    "in_production": _l("In production"), "landed": _l("Landed"),
    "terminated": _l("Terminated"), True: _l("Yes"), False: _l("No"),
    "scan": _l("Badge scan"), "manual": _l("Look-up at the desk"),
    **{role.value: label for role, label in ROLE_LABELS.items()},
}

"""The reception part of the OpenAPI document (merged into ``openapi.DOCUMENT``)."""
from summit.blueprints.api.openapi_checkin import SCAN_ANSWER, SCAN_ERRORS, SCAN_FIELDS
from summit.blueprints.api.openapi_parts import (
    ID_SCHEMA,
    SLUG,
    closed,
    error_responses,
    json_body,
    json_response,
    list_of,
    path_id,
    query_choice,
    query_date,
    text,
)
from summit.models import PassengerStatus, TravelMode, TripDirection, VehicleKind
from summit.services.reception.meals import RESULTS as MEAL_RESULTS

BEARER = [{"bearer": []}]
LOCAL_TIME = {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$",
              "description": "Wall-clock time at the summit (Beijing time), YYYY-MM-DDTHH:MM"}
DIRECTION = {"type": "string", "enum": [d.value for d in TripDirection]}
TRIP = {"type": "object", "properties": {
    "id": ID_SCHEMA, "registration_id": ID_SCHEMA, "direction": DIRECTION,
    "mode": {"type": "string", "enum": [m.value for m in TravelMode]},
    "number": {"type": "string"}, "place": {"type": "string"}, "at": LOCAL_TIME}}
VEHICLE = {"type": "object", "properties": {
    "id": ID_SCHEMA, "plate": {"type": "string"}, "seats": {"type": "integer"},
    "kind": {"type": "string", "enum": [k.value for k in VehicleKind]},
    "driver_name": {"type": "string"}, "driver_phone": {"type": "string"}}}
TRANSFER = {"type": "object", "properties": {
    "id": ID_SCHEMA, "direction": DIRECTION, "place": {"type": "string"}, "at": LOCAL_TIME,
    "ends_at": LOCAL_TIME, "vehicle": VEHICLE,
    "passengers": {"type": "array", "items": {"type": "object", "properties": {
        "id": ID_SCHEMA, "registration_id": ID_SCHEMA, "name": {"type": "string"},
        "phone": {"type": "string", "description": "masked"},
        "status": {"type": "string", "enum": [s.value for s in PassengerStatus]}}}}}}
MEAL_ANSWER = {**SCAN_ANSWER, "properties": {
    **SCAN_ANSWER["properties"],
    "result": {"type": "string", "enum": list(MEAL_RESULTS),
               "description": "As a check-in scan; not_entitled: not invited to this meal; "
                              "full: the meal's capacity is reached"}}}

SCHEMAS: dict = {}
PATHS = {
    "/summits/{slug}/trips": {"get": {
        "operationId": "listTrips",
        "summary": "Arrivals (or departures) of people still registered, by time "
                   "(reception staff, organisers)",
        "security": BEARER,
        "parameters": [SLUG, query_choice("direction", [d.value for d in TripDirection])],
        "responses": {"200": json_response(list_of(TRIP)),
                      **error_responses(400, 401, 403, 404, 422)}}},
    "/registrations/{registration_id}/trips": {"put": {
        "operationId": "saveTrip",
        "summary": "Enter or change a person's arrival or departure (the person, their "
                   "delegation's registrar, reception staff); a later arrival moves the "
                   "pick-up",
        "security": BEARER, "parameters": [path_id("registration_id")],
        "requestBody": json_body(closed({
            "direction": DIRECTION,
            "mode": {"type": "string", "enum": [m.value for m in TravelMode]},
            "number": text(20, description="A flight (CA4401) or train (G8501) number; "
                                           "optional by road"),
            "place": text(100, required=True), "at": LOCAL_TIME},
            ["direction", "mode", "place", "at"])),
        "responses": {"200": json_response(TRIP),
                      **error_responses(400, 401, 403, 404, 409, 415, 422)}}},
    "/summits/{slug}/vehicles": {
        "get": {"operationId": "listVehicles", "summary": "Vehicles (reception staff)",
                "security": BEARER, "parameters": [SLUG],
                "responses": {"200": json_response(list_of(VEHICLE)),
                              **error_responses(401, 403, 404)}},
        "post": {"operationId": "createVehicle",
                 "summary": "Add a vehicle; its plate is unique at the summit (409)",
                 "security": BEARER, "parameters": [SLUG],
                 "requestBody": json_body(closed({
                     "plate": text(16, required=True),
                     "seats": {"type": "integer", "minimum": 1, "maximum": 100},
                     "kind": {"type": "string", "enum": [k.value for k in VehicleKind]},
                     "driver_name": text(100, required=True),
                     "driver_phone": text(32, required=True)},
                     ["plate", "seats", "kind", "driver_name", "driver_phone"])),
                 "responses": {"201": json_response(VEHICLE),
                               **error_responses(400, 401, 403, 404, 409, 415, 422)}}},
    "/summits/{slug}/transfers": {"get": {
        "operationId": "listTransfers",
        "summary": "Pick-ups and drop-offs with vehicle and passengers (reception staff)",
        "security": BEARER, "parameters": [SLUG, query_date("day")],
        "responses": {"200": json_response(list_of(TRANSFER)),
                      **error_responses(400, 401, 403, 404, 422)}}},
    "/transfers/{transfer_id}/passengers": {"post": {
        "operationId": "addTransferPassenger",
        "summary": "Put a person in a pick-up (moving them from their other one); a full "
                   "vehicle is a 409 naming who rides",
        "security": BEARER, "parameters": [path_id("transfer_id")],
        "requestBody": json_body(closed({"registration_id": ID_SCHEMA},
                                        ["registration_id"])),
        "responses": {"201": json_response(TRANSFER),
                      **error_responses(400, 401, 403, 404, 409, 415, 422)}}},
    "/summits/{slug}/meals": {"get": {
        "operationId": "listMeals",
        "summary": "Meals with expected (entitled), served and diet counts (reception)",
        "security": BEARER, "parameters": [SLUG],
        "responses": {"200": json_response(list_of({"type": "object"})),
                      **error_responses(401, 403, 404)}}},
    "/summits/{slug}/meals/{meal_id}/scans": {"post": {
        "operationId": "createMealScan",
        "summary": "A badge scanned at the restaurant door (check-in staff, reception): "
                   "once per person per meal; a second scan is a duplicate with the first "
                   "time",
        "security": BEARER, "parameters": [SLUG, path_id("meal_id")],
        "requestBody": json_body(closed({
            "token": {"type": "string", "maxLength": 200},
            **SCAN_FIELDS,
            "offline": {"type": "boolean", "default": False}}, ["token"])),
        "responses": {"200": json_response(MEAL_ANSWER), **SCAN_ERRORS}}},
    "/summits/{slug}/hotels/{hotel_id}/rooming": {"get": {
        "operationId": "getRoomingList",
        "summary": "Every room of a hotel on a night with its guests (reception staff)",
        "security": BEARER,
        "parameters": [SLUG, path_id("hotel_id"),
                       {**query_date("night"), "required": True}],
        "responses": {"200": json_response(list_of({"type": "object"})),
                      **error_responses(400, 401, 403, 404, 422)}}},
    "/summits/{slug}/room-assignments": {"post": {
        "operationId": "createRoomAssignment",
        "summary": "Put a person in a room for some nights (moving them from any other room "
                   "those nights); a full room, or a shared room its people did not agree to "
                   "without confirm_shared, is a 409 naming them",
        "security": BEARER, "parameters": [SLUG],
        "requestBody": json_body(closed({
            "room_id": ID_SCHEMA, "registration_id": ID_SCHEMA,
            "nights": {"type": "array", "minItems": 1, "maxItems": 60,
                       "items": {"type": "string", "format": "date"}},
            "confirm_shared": {"type": "boolean", "default": False}},
            ["room_id", "registration_id", "nights"])),
        "responses": {"201": json_response(list_of({"type": "object"})),
                      **error_responses(400, 401, 403, 404, 409, 415, 422)}}},
}

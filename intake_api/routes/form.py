"""The no-JavaScript page: first contact and check-back as plain HTML forms, for phones where the
chat cannot run. Abuse protection is a signed form token (see limits), not proof of work: a page
without JavaScript cannot compute one.
"""

from functools import cache
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import ValidationError

from intake_api import directory, intakes, limits
from intake_api.deps import SessionDep, SettingsDep
from intake_api.errors import ApiError
from intake_api.i18n import negotiate, t
from intake_api.models import AgeGroup, Concern, ContactMethod, IntakeCreate, LanguageCode, Role
from vagut.i18n import strings
from vagut.languages import LANGUAGES, Language, language

router = APIRouter(prefix="/form", tags=["no-JavaScript form"])
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
PREFIX = "/api/v1"
CHOICES = {
    "role": [c.value for c in Role],
    "concern": [c.value for c in Concern],
    "age_group": [c.value for c in AgeGroup],
    "contact_method": [c.value for c in ContactMethod],
}
LangQuery = Annotated[LanguageCode | None, Query()]  # type: ignore[valid-type]
LangField = Annotated[LanguageCode | None, Form()]  # type: ignore[valid-type]


@cache
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape())


def _page_language(request: Request, lang: str | None) -> Language:
    return language(lang or negotiate(request.headers.get("accept-language")))


def _render(template: str, lang: Language, status_code: int = 200, **context: object) -> Response:
    html = (
        _environment()
        .get_template(template)
        .render(
            lang=lang,
            s=strings("api", lang.code),
            languages=LANGUAGES,
            prefix=PREFIX,
            **context,
        )
    )
    return HTMLResponse(html, status_code=status_code)


def _check_token(session: SessionDep, settings: SettingsDep) -> str:
    return limits.new_form_token(session, settings, limits.Purpose.checkback)


def _form_page(
    session: SessionDep,
    settings: SettingsDep,
    lang: Language,
    values: dict,
    error: str | None = None,
    status: int = 200,
) -> Response:
    return _render(
        "form.html",
        lang,
        status,
        form_token=limits.new_form_token(session, settings, limits.Purpose.intake),
        check_token=_check_token(session, settings),
        check_values={},
        municipalities=sorted(directory.municipalities().values(), key=lambda m: m.name),
        choices=CHOICES,
        values=values,
        error=error,
    )


@router.get("", response_class=HTMLResponse)
def form_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    lang: LangQuery = None,
    municipality: Annotated[str | None, Query(max_length=8)] = None,
) -> Response:
    """`?municipality=0136`: the municipality page that links here chose it already."""
    known = municipality if municipality and directory.find(municipality) else ""
    return _form_page(session, settings, _page_language(request, lang),
                      values={"municipality_code": known})  # fmt: skip


@router.get(".css", include_in_schema=False)
def stylesheet() -> Response:
    css = (TEMPLATES / "form.css").read_text(encoding="utf-8")
    return Response(css, media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})


@router.post("", response_class=HTMLResponse)
def submit_form(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    form_token: Annotated[str, Form(max_length=200)] = "",
    lang: LangField = None,
    municipality_code: Annotated[str, Form(max_length=8)] = "",
    role: Annotated[str, Form(max_length=32)] = "",
    concern: Annotated[str, Form(max_length=32)] = "",
    age_group: Annotated[str, Form(max_length=32)] = "",
    language_code: Annotated[str, Form(alias="language", max_length=8)] = "",
    contact_method: Annotated[str, Form(max_length=32)] = "",
    phone: Annotated[str, Form(max_length=40)] = "",
    message: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    page_lang = _page_language(request, lang)
    values = {
        "municipality_code": municipality_code,
        "role": role,
        "concern": concern,
        "age_group": age_group,
        "language": language_code or page_lang.code,
        "contact_method": contact_method,
        "phone": phone or None,
        "message": message or None,
    }
    try:
        data = IntakeCreate.model_validate(values)
    except ValidationError as error:
        message = _validation_message(error, page_lang)
        return _form_page(session, settings, page_lang, values, message, 422)
    try:
        limits.check_form_token(session, settings, limits.Purpose.intake, form_token)
        intake = intakes.create_intake(session, settings, data, limits.Path.form)
    except ApiError as error:
        session.rollback()
        text = t(f"errors.{error.code}", page_lang.code)
        return _form_page(session, settings, page_lang, values, text, error.status_code)
    return _render("sent.html", page_lang, 201, intake=intake)


def _validation_message(error: ValidationError, lang: Language) -> str:
    for item in error.errors():
        message = str(item.get("msg", ""))
        for code in ("phone_invalid", "phone_required_iff_phone"):
            if message.endswith(code):
                return t(f"errors.{code}", lang.code)
        if item.get("loc", ("",))[0] == "municipality_code":
            return t("errors.unknown_municipality", lang.code)
    return t("errors.invalid_input", lang.code)


@router.post("/check", response_class=HTMLResponse)
def check_back(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    receipt_code: Annotated[str, Form(max_length=64)] = "",
    message: Annotated[str, Form(max_length=4000)] = "",
    check_token: Annotated[str, Form(max_length=200)] = "",
    lang: LangField = None,
) -> Response:
    """Read the thread, or write in it. A refusal (a wrong code, too fast) shows the form
    again with the code and the message as they were: nothing typed is lost."""
    page_lang = _page_language(request, lang)
    try:
        limits.check_form_token(session, settings, limits.Purpose.checkback, check_token)
        if message.strip():
            thread = intakes.add_followup(session, settings, receipt_code, message,
                                          limits.Path.form)  # fmt: skip
        else:
            thread = intakes.read_followups(session, settings, receipt_code, limits.Path.form)
    except ApiError as error:
        session.rollback()
        text = t(f"errors.{error.code}", page_lang.code)
        kept = {"receipt_code": receipt_code, "message": message}
        return _render("error.html", page_lang, error.status_code, error=text,
                       check_token=_check_token(session, settings), check_values=kept)  # fmt: skip
    return _render("thread.html", page_lang, thread=thread, receipt_code=receipt_code,
                   check_token=_check_token(session, settings))  # fmt: skip

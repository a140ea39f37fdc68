"""Phone numbers: parsed once with phonenumbers, shown the Swedish way, dialled from tel: links."""

import phonenumbers

# Short numbers (112, 114 14, 116 006) are not valid E.164 numbers; they are dialled as written.
_SHORT_NUMBER_MAX_DIGITS = 6


class InvalidPhoneNumber(ValueError):
    pass


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def parse(text: str) -> phonenumbers.PhoneNumber:
    try:
        number = phonenumbers.parse(text, "SE")
    except phonenumbers.NumberParseException as error:
        raise InvalidPhoneNumber(f"{text!r} is not a phone number: {error}") from error
    if len(_digits(text)) <= _SHORT_NUMBER_MAX_DIGITS:
        if not phonenumbers.is_valid_short_number(number):
            raise InvalidPhoneNumber(f"{text!r} is not a Swedish short number")
    elif not phonenumbers.is_valid_number(number):
        raise InvalidPhoneNumber(f"{text!r} is not a valid phone number")
    return number


def display(text: str) -> str:
    """The Swedish way of writing it: '08-540 811 80', '114 14'."""
    number = parse(text)
    if len(_digits(text)) <= _SHORT_NUMBER_MAX_DIGITS:
        return text.strip()
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def tel_uri(text: str) -> str:
    """'tel:+46854081180' for ordinary numbers, 'tel:11414' for short ones."""
    number = parse(text)
    if len(_digits(text)) <= _SHORT_NUMBER_MAX_DIGITS:
        return "tel:" + _digits(text)
    return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

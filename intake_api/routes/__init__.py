from intake_api.models import ErrorPublic


def ERRORS(*status_codes: int) -> dict[int | str, dict]:
    """OpenAPI entries for the error answers a route gives; all share one shape."""
    return {code: {"model": ErrorPublic} for code in status_codes}

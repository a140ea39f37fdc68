"""A receipt code in a message: the 16 digits the intake service gives for checking back, typed or
pasted with spaces or dashes, in Western, Arabic-Indic or Persian digits. No Swedish postal code
or phone number is 16 digits long."""

import re
from typing import Optional

_CODE = re.compile(r"(?<!\d)((?:\d[\s-]?){15}\d)(?!\d)")
_WESTERN = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def find_receipt_code(text: str) -> Optional[str]:
    """The 16 digits of a receipt code in `text`, in Western digits, or None."""
    found = _CODE.search((text or "").translate(_WESTERN))
    return re.sub(r"\D", "", found.group(1)) if found else None

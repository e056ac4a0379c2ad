"""Helpers shared by the WTForms of every package."""
from wtforms.fields.choices import SelectChoice


def choices(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs (WTForms 3.3 no longer takes bare tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]

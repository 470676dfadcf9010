"""The questions on one Easy Apply step: read in one pass, filled one by one like a person would (§1.5).

A question element (``[data-test-form-element]``) holds one control: a select, radios in a fieldset, a
checkbox, a textarea, a date picker or a text input (numeric when its id ends with ``-numeric``, a phone
number when it contains ``phoneNumber``). Its label is the ``label``; a fieldset's is the legend's
visually-hidden copy (the visible one is repeated beside it).
"""

from __future__ import annotations

from dataclasses import dataclass

from jobflow.browser import human
from jobflow.browser.driver import Locator
from jobflow_linkedin import selectors as S

__all__ = ["FormField", "fill", "read_fields"]

_READ = """(elements, s) => elements.map((el, index) => {
  const clean = (t) => (t || "").replace(/\\s+/g, " ").trim();
  const pick = (sel) => el.querySelector(sel);
  const select = pick(s.select), radios = Array.from(el.querySelectorAll(s.radio));
  const checkbox = pick(s.checkbox), textarea = pick(s.textarea), date = pick(s.date), input = pick(s.input);
  const labelFor = (control) => {
    const own = control && control.id ? el.querySelector('label[for="' + CSS.escape(control.id) + '"]') : null;
    return clean(own ? own.textContent : control ? control.value : "");
  };
  let kind = "unknown", control = null, options = [], value = "";
  if (select) {
    kind = "select"; control = select;
    options = Array.from(select.options).map((o) => clean(o.textContent)).filter((o) => o && o !== s.placeholder);
    const chosen = select.selectedIndex >= 0 ? clean(select.options[select.selectedIndex].textContent) : "";
    value = chosen === s.placeholder ? "" : chosen;
  } else if (radios.length) {
    kind = "radio"; control = radios[0];
    options = radios.map(labelFor);
    const checked = radios.find((r) => r.checked);
    value = checked ? labelFor(checked) : "";
  } else if (checkbox) {
    kind = "checkbox"; control = checkbox; value = checkbox.checked;
  } else if (textarea) {
    kind = "textarea"; control = textarea; value = textarea.value;
  } else if (date) {
    kind = "date"; control = date; value = date.value;
  } else if (input) {
    control = input; value = input.value;
    const id = input.id || "";
    kind = input.type === "number" || id.endsWith(s.numeric) ? "numeric" : id.includes(s.phone) ? "phone" : "text";
  }
  const hidden = pick(s.legend_hidden), legend = pick(s.legend), label = pick(s.label);
  const grouped = kind === "radio" || kind === "checkbox";
  const title = grouped ? (hidden || legend || label) : (label || legend);
  const required = !!control && (control.required || control.getAttribute("aria-required") === "true");
  return { index, kind, label: clean(title ? title.textContent : ""), required, options,
           value: typeof value === "string" ? clean(value) : value };
})"""


@dataclass(frozen=True)
class FormField:
    """One question as the form shows it."""

    index: int
    kind: str
    """``select``, ``radio``, ``checkbox``, ``textarea``, ``date``, ``numeric``, ``phone``, ``text`` or ``unknown``."""
    label: str
    required: bool
    options: tuple[str, ...]
    value: str | bool
    """What the field holds now (prefilled by LinkedIn, or typed before): ``""``/``False`` when empty."""

    @property
    def filled(self) -> bool:
        return self.value is True or (isinstance(self.value, str) and self.value != "")


async def read_fields(dialog: Locator) -> list[FormField]:
    """Every question on the dialog's current step, in order."""
    arg = {**S.FIELD_SELECTORS, "placeholder": S.PLACEHOLDER_OPTION, "numeric": S.NUMERIC_ID_SUFFIX}
    arg["phone"] = S.PHONE_ID_MARK
    raw = await dialog.locator(S.FORM_ELEMENT).evaluate_all(_READ, arg)
    return [
        FormField(
            index=item["index"],
            kind=item["kind"],
            label=item["label"],
            required=bool(item["required"]),
            options=tuple(item["options"]),
            value=item["value"],
        )
        for item in raw
    ]


async def fill(dialog: Locator, field: FormField, value: str | bool) -> None:
    """Put ``value`` (an option's text, ``True``/``False`` for a checkbox, else text) into ``field``."""
    element = dialog.locator(S.FORM_ELEMENT).nth(field.index)
    if field.kind == "select":
        await element.locator(S.FIELD_SELECTORS["select"]).select_option(label=str(value))
    elif field.kind == "radio":
        await human.click(element.get_by_label(str(value), exact=True))
    elif field.kind == "checkbox":
        if bool(value) != bool(field.value):
            await human.click(element.locator(S.FIELD_SELECTORS["checkbox"]))
    else:
        selector = {"textarea": "textarea", "date": "date"}.get(field.kind, "input")
        control = element.locator(S.FIELD_SELECTORS[selector]).first
        await human.clear(control)
        await human.type_text(control, str(value))

"""The local LinkedIn's Easy Apply form variants (each easy-apply posting uses one, by its ``form`` key).

A form is a list of steps; a step has a heading (``Contact info``, ``Resume``, ``Additional Questions``,
``Work authorization``, ``Review your application``) and fields. Field types: ``select``, ``text``,
``numeric`` (id ends with ``-numeric``), ``phone`` (id ends with ``-phoneNumber-nationalNumber``), ``radio``,
``checkbox``, ``textarea``, ``date``. ``resume: true`` marks the resume step (upload or pick a stored one).

* ``single``: one page, contact info only, then "Submit application";
* ``standard``: contact info, resume, review;
* ``questions``: contact info, resume, additional questions of every type, work authorization, review;
* ``custom``: a required question no answer bank holds (a plugin must queue it, not invent an answer).
"""

# Markup and form data mirror the real sites' long lines and class lists.
# ruff: noqa: E501

from __future__ import annotations

from typing import Any

__all__ = ["FORMS", "MEMBER_EMAIL"]

MEMBER_EMAIL = "jobseeker@example.com"

_CONTACT: dict[str, Any] = {
    "heading": "Contact info",
    "fields": [
        {"id": "email", "type": "select", "label": "Email address", "required": True,
         "options": [MEMBER_EMAIL, "j.seeker@example.org"], "prefill": MEMBER_EMAIL},
        {"id": "phoneCountry", "type": "select", "label": "Phone country code", "required": True,
         "options": ["United States (+1)", "Germany (+49)", "United Kingdom (+44)", "India (+91)"],
         "prefill": "United States (+1)"},
        {"id": "phone", "type": "phone", "label": "Mobile phone number", "required": True},
    ],
}  # fmt: skip
_RESUME: dict[str, Any] = {"heading": "Resume", "resume": True, "fields": []}
_REVIEW: dict[str, Any] = {"heading": "Review your application", "review": True, "fields": []}

FORMS: dict[str, list[dict[str, Any]]] = {
    "single": [_CONTACT],
    "standard": [_CONTACT, _RESUME, _REVIEW],
    "questions": [
        _CONTACT,
        _RESUME,
        {
            "heading": "Additional Questions",
            "fields": [
                {"id": "yearsPython", "type": "numeric", "required": True, "min": 0, "max": 99,
                 "label": "How many years of work experience do you have with Python?"},
                {"id": "english", "type": "select", "required": True, "label": "What is your level of proficiency in English?",
                 "options": ["None", "Conversational", "Professional", "Native or bilingual"]},
                {"id": "relocate", "type": "radio", "required": True, "label": "Are you comfortable commuting to this job's location?",
                 "options": ["Yes", "No"]},
                {"id": "startDate", "type": "date", "required": False, "label": "Earliest start date"},
                {"id": "summary", "type": "textarea", "required": False, "label": "Anything else you would like us to know?"},
                {"id": "terms", "type": "checkbox", "required": True,
                 "label": "I agree to the terms of the privacy policy"},
            ],
        },
        {
            "heading": "Work authorization",
            "fields": [
                {"id": "authorized", "type": "radio", "required": True,
                 "label": "Are you legally authorized to work in the United States?", "options": ["Yes", "No"]},
                {"id": "sponsorship", "type": "radio", "required": True,
                 "label": "Will you now or in the future require sponsorship for employment visa status (e.g. H-1B visa status)?",
                 "options": ["Yes", "No"]},
            ],
        },
        _REVIEW,
    ],
    "custom": [
        _CONTACT,
        {
            "heading": "Additional Questions",
            "fields": [
                {"id": "swallow", "type": "text", "required": True,
                 "label": "What is the airspeed velocity of an unladen swallow?"},
                {"id": "heard", "type": "select", "required": False, "label": "How did you hear about us?",
                 "options": ["LinkedIn", "A friend", "Other"]},
            ],
        },
        _REVIEW,
    ],
}  # fmt: skip
"""Form variants by name."""

"""Every selector and page text the LinkedIn plugin relies on, in one place (sites/README.md §1).

Anchors are the stable ones the README lists first: ``data-*`` attributes, ids, semantic class names and
accessible names; hashed or randomised class names are never used. The guest selectors are plain CSS read
by :mod:`jobflow.postings.parse.markup` from server fragments (and proved in Chromium by the plugin's tests);
the member, login and Easy Apply ones are used through Playwright locators, which pierce open shadow roots.
When LinkedIn changes its markup, this file is where the fix goes.
"""

from __future__ import annotations

# --------------------------------------------------------------------------- guest search fragment (§1.1)

GUEST_CARD = "[data-entity-urn]"
"""One search card; ``data-entity-urn="urn:li:jobPosting:<id>"``."""
GUEST_CARD_URN = "data-entity-urn"
GUEST_CARD_LINK = "a.base-card__full-link"
GUEST_CARD_TITLE = "h3.base-search-card__title"
GUEST_CARD_TITLE_FALLBACK = "a.base-card__full-link span.sr-only"
GUEST_CARD_COMPANY = "h4.base-search-card__subtitle"
GUEST_CARD_COMPANY_LINK = "h4.base-search-card__subtitle a"
GUEST_CARD_LOCATION = ".job-search-card__location"
GUEST_CARD_SALARY = ".job-search-card__salary-info"
GUEST_CARD_BENEFIT = ".job-posting-benefits__text"
GUEST_CARD_TIME = "time"
"""Any ``time``: cards younger than a day carry ``job-search-card__listdate--new`` instead of the usual class."""
LOGO = "img.artdeco-entity-image[data-delayed-url]"
LOGO_URL = "data-delayed-url"

# --------------------------------------------------------------------------- guest posting fragment (§1.2)

DETAIL_TOP_CARD = "section.top-card-layout"
DETAIL_TITLE = ".top-card-layout__title"
DETAIL_COMPANY_LINK = "a.topcard__org-name-link"
DETAIL_FLAVOR = "span.topcard__flavor"
DETAIL_FLAVOR_BULLET = "topcard__flavor--bullet"
"""The class of the flavor span holding the location (the company span has none)."""
DETAIL_LOCATION = "span.topcard__flavor--bullet"
DETAIL_POSTED = ".posted-time-ago__text"
DETAIL_APPLICANTS = ".num-applicants__caption"
DETAIL_APPLY_URL = "code#applyUrl"
DETAIL_EASY_APPLY = '[data-tracking-control-name="public_jobs_apply-link-onsite"]'
DETAIL_OFFSITE_APPLY = '[data-tracking-control-name^="public_jobs_apply-link-offsite"]'
DETAIL_SALARY = ".compensation__salary"
DETAIL_DESCRIPTION = ".show-more-less-html__markup"
CRITERIA_ITEM = "li.description__job-criteria-item"
CRITERIA_HEADING = ".description__job-criteria-subheader"
CRITERIA_VALUE = ".description__job-criteria-text"

# --------------------------------------------------------------------------- member search, two panes (§1.4)

MEMBER_LIST = ".jobs-search-results-list"
"""The scrolling list container (cards are de-occluded as it scrolls)."""
MEMBER_ITEM = "li[data-occludable-job-id]"
MEMBER_ITEM_ID = "data-occludable-job-id"
MEMBER_CARD = "[data-job-id]"
MEMBER_TITLE_LINK = "a.job-card-list__title--link"
MEMBER_COMPANY = ".artdeco-entity-lockup__subtitle"
MEMBER_LOCATION = ".job-card-container__metadata-wrapper li"
MEMBER_FOOTER_STATE = ".job-card-container__footer-job-state"
MEMBER_FOOTER_ITEM = ".job-card-container__footer-item"
MEMBER_NO_RESULTS = ".jobs-search-two-pane__no-results-banner--expand"
MEMBER_RESULTS = f"{MEMBER_ITEM}, {MEMBER_NO_RESULTS}"
"""What a member search page shows once ready: cards, or the no-results banner."""
PROMOTED_TEXT = "Promoted"
EASY_APPLY_TEXT = "Easy Apply"
VERIFIED_SUFFIX = " with verification"


def page_button(number: int) -> str:
    """The pagination button of page ``number`` (1-based)."""
    return f'button[aria-label="Page {number}"]'


# --------------------------------------------------------------------------- login and walls (§1.6)

LOGIN_USER = "input#username, input[name=session_key], input[type=email]:visible"
LOGIN_PASSWORD = "input#password, input[name=session_password], input[type=password]:visible"
SIGN_IN_NAME = "Sign in"
"""The real submit button's exact accessible name (the 2026 form puts "Sign in with …" SSO buttons first)."""
LOGIN_ERROR = "#error-for-password, #error-for-username, .form__label--error, [role=alert]"
CAPTCHA = '[data-test="captcha"], #captcha-internal, #input__email_verification_pin'
FEED_PATH = "/feed/"
LOGIN_PATH = "/login"
CHECKPOINT_PATHS = ("/checkpoint/challenge", "/checkpoint/challengesV2")
AUTHWALL_PATHS = ("/authwall", "/signup", "/login", "/uas/login")
MEMBER_MARKER = ".scaffold-layout__main, .global-nav, .feed-identity-module"
"""Present on pages only a signed-in member sees."""

# --------------------------------------------------------------------------- member job page (§1.4)

JOB_DETAILS = ".jobs-details, .job-view-layout"
JOB_TITLE = "h1"
JOB_COMPANY = ".job-details-jobs-unified-top-card__company-name"
EASY_APPLY_BUTTON = "button#jobs-apply-button-id, button.jobs-apply-button[aria-label^='Easy Apply']"
APPLIED_NOTICE = "#jobs-apply-see-application-link, .jobs-s-apply__application-link"
EXTERNAL_APPLY_BUTTON = "button.jobs-apply-button[aria-label*='company website']"
JOB_PAGE_READY = f"{EASY_APPLY_BUTTON}, {APPLIED_NOTICE}, {EXTERNAL_APPLY_BUTTON}"

# --------------------------------------------------------------------------- Easy Apply modal (§1.5)

DIALOG = "[role=dialog][data-test-modal]"
"""The Easy Apply modal, also inside the 2026 open shadow root (``#interop-outlet``)."""
DIALOG_DISMISS = "button[data-test-modal-close-btn]"
CONFIRM_DIALOG = "[role=alertdialog]"
DISCARD_NAME = "Discard"
STEP_HEADING = "form h3"
PROGRESS = "[role=region][aria-label]"
"""The progress region ("Your job application progress is at 50 percent.")."""
FORM_ELEMENT = "[data-test-form-element], .jobs-easy-apply-form-section__grouping, .jobs-easy-apply-form-element"
FIELD_SELECTORS: dict[str, str] = {
    "select": "select",
    "radio": "input[type=radio]",
    "checkbox": "input[type=checkbox]",
    "textarea": "textarea",
    "input": "input[type=text], input[type=number], input[type=tel], input[type=email], input:not([type])",
    "date": ".artdeco-datepicker__input",
    "label": "label",
    "legend": "legend",
    "legend_hidden": "legend .visually-hidden",
}
"""What a question element holds; read in one pass by :mod:`jobflow_linkedin.pages.fields`."""
PLACEHOLDER_OPTION = "Select an option"
NUMERIC_ID_SUFFIX = "-numeric"
PHONE_ID_MARK = "phoneNumber"
RESUME_FILE_INPUT = "input[type=file][name=file]"
RESUME_SELECTED = (
    ".jobs-document-upload-redesign-card__container--selected .jobs-document-upload-redesign-card__file-name"
)
INLINE_ERROR = ".artdeco-inline-feedback--error"
FOLLOW_COMPANY = "input#follow-company-checkbox"
NEXT_NAME = "Continue to next step"
REVIEW_NAME = "Review your application"
SUBMIT_NAME = "Submit application"
PRIMARY_NAMES = (SUBMIT_NAME, REVIEW_NAME, NEXT_NAME)
SENT_TEXTS = ("Application sent", "Your application was sent")
DAILY_LIMIT_TEXTS = ("reached today's Easy Apply limit", "limit daily submissions")
DONE_NAME = "Done"

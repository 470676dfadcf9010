"""jobflow's bundled LinkedIn plugin.

Steps: ``linkedin.search``, ``linkedin.job``, ``linkedin.login``, ``linkedin.easy_apply``.

Layout (STYLE.md guideline 9): ``plugin.py`` holds the hookimpls only; ``steps/`` the step types;
``pages/`` one page object per screen (guest fragments, member search, login, job page, Easy Apply modal);
``selectors.py`` every selector and page text; ``profile.py``/``answers.py`` the applicant profile and how
form questions are answered from it.
"""

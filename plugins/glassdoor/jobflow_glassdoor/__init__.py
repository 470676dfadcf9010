"""jobflow's bundled Glassdoor plugin (its steps arrive with the site-plugins issue)."""

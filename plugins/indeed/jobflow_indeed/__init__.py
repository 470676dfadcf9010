"""jobflow's bundled Indeed plugin (its steps arrive with the site-plugins issue)."""

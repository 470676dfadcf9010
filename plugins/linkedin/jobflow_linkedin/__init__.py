"""jobflow's bundled Linkedin plugin (its steps arrive with the site-plugins issue)."""

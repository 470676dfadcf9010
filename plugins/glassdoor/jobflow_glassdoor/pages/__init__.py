"""Glassdoor page objects: one per screen (results page, its GraphQL pages, job page)."""

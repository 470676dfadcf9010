"""The scheduler: triggers, missed and crashed runs, reminders (APScheduler is imported only here)."""

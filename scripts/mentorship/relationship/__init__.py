"""The mentoring relationship after the first invite: check-ins and follow-up sessions."""

"""Overleg (meetings): /overleg and its sub-commands (plan, change, rsvp), times, the .ics and the outbox."""

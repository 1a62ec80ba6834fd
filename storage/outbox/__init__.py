"""The notification outbox and who a message reaches: reachability, deputies, absences."""

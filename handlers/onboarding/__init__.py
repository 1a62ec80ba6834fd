"""Onboarding and the member's own settings: /aanmelden (invites), /help, /ik, /taal, /stop, /afwezig."""

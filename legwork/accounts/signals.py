"""Signals the accounts app sends, so higher apps can react without accounts knowing about them."""

from django.dispatch import Signal

# sender=User, user=..., session_key=...: one sign-in was ended from the devices page (not by signing
# out there, which is Django's `user_logged_out`). Reminders turns off the push that sign-in turned on.
device_signed_out = Signal()

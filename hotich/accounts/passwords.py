"""Password rules whose Django message has no Vietnamese translation yet.

Django 6 changed the wording of the minimum-length message (``%d`` instead of
``%(min_length)d``) and its Vietnamese catalogue still has only the old one, so the message
would appear in English. The other validators' messages are translated by Django.
"""

from django.contrib.auth.password_validation import MinimumLengthValidator


class VietnameseMinimumLengthValidator(MinimumLengthValidator):
    """Django's minimum length, with its message in Vietnamese."""

    def get_error_message(self) -> str:
        return f"Mật khẩu quá ngắn. Mật khẩu phải có ít nhất {self.min_length} ký tự."

    def get_help_text(self) -> str:
        return f"Mật khẩu phải có ít nhất {self.min_length} ký tự."

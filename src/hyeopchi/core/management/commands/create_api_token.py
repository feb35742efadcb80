"""Create a personal API token for a user and print its secret (shown only this once)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from hyeopchi.core.tokens import create_token


class Command(BaseCommand):
    help = "Create a personal API token for <username> named <name>; prints the secret once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("name")

    def handle(self, *args, username: str, name: str, **options):
        User = get_user_model()
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        if not name.strip():
            raise CommandError("Give the token a name.")
        token, secret = create_token(user, name.strip()[:100])
        self.stderr.write(
            f"Token {token.name!r} (#{token.pk}) created for {username}. "
            "Store the secret now; it cannot be shown again."
        )
        self.stdout.write(secret)

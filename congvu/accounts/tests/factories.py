from __future__ import annotations

import factory
from django.utils import timezone

from congvu.accounts.models import User

PASSWORD = "Ban-Mai-2026!x"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Nguyễn Văn An"
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.vn")
    phone = "0912 345 678"
    personal_id = "001090012345"
    password = factory.django.Password(PASSWORD)
    email_verified_at = factory.LazyFunction(timezone.now)

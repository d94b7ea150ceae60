"""Base serializer of every API resource: scoped links, display labels, the model's own rules."""

from __future__ import annotations

import copy

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from rest_framework import serializers

from ..access.scoping import COMPANY_RULE_REFUSED, is_community_bound, may_write, scope
from ..core.display import choice_label, display_name
from ..core.intake import has_intake, locked_fields, locked_message
from .errors import validation_error_detail


class UserLabelField(serializers.CharField):
    """A staff user's display label (a string, read-only): their name
    (``core.display.display_name``)."""

    def to_representation(self, value):
        return display_name(value)


class ChoiceLabelField(serializers.CharField):
    """The label of a choice field's value (a string, read-only), in the request's language."""

    def __init__(self, model_field, **kwargs):
        self.model_field = model_field
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return choice_label(self.model_field, value)


class ScopedModelSerializer(serializers.ModelSerializer):
    """- Links are written as plain ids and only accept rows of the caller's communities.
    - Reads return, next to each link and choice, a ``<field>_label`` for display.
    - Writes run the model's own validation (``full_clean``), so the API and the back office
      accept and refuse exactly the same data.
    """

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        user = request.user if request else None
        for name in list(fields):
            field = fields[name]
            # A to-many link carries its queryset on its child field.
            target = field.child_relation if isinstance(field, serializers.ManyRelatedField) \
                else field
            related = getattr(target, "queryset", None)
            if related is not None and is_community_bound(related.model):
                target.queryset = scope(related, user)
            try:
                model_field = self.Meta.model._meta.get_field(name)
            except Exception:
                continue
            label = f"{name}_label"
            if label in fields:
                continue
            if isinstance(model_field, models.ForeignKey) and \
                    model_field.related_model is get_user_model():
                fields[label] = UserLabelField(source=name, read_only=True,
                                               allow_null=model_field.null)
            elif isinstance(model_field, models.ForeignKey):
                fields[label] = serializers.StringRelatedField(source=name, read_only=True,
                                                               allow_null=model_field.null)
            elif getattr(model_field, "choices", None):
                fields[label] = ChoiceLabelField(model_field, source=name)
        return fields

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        if self.instance is not None and has_intake(model):
            # Sent, not silently dropped: a field the record no longer lets change is an error.
            sent = [name for name in getattr(self, "initial_data", {}) if name in self.fields]
            locked = locked_fields(self.instance, sent)
            if locked:
                message = locked_message(self.instance)
                raise serializers.ValidationError({name: [message] for name in locked})
        instance = copy.copy(self.instance) if self.instance is not None else model()
        concrete = {f.name for f in model._meta.concrete_fields}
        for key, value in attrs.items():
            if key in concrete:
                setattr(instance, key, value)
        # Workflow states change only through their transitions, never by validation.
        protected = [f.name for f in model._meta.fields if getattr(f, "protected", False)]
        try:
            instance.full_clean(exclude=protected)
        except DjangoValidationError as error:
            raise serializers.ValidationError(validation_error_detail(error)) from error
        request = self.context.get("request")
        if request is not None and not may_write(request.user, instance):
            # Saving would make (or keep) a rule for every community.
            path = getattr(model, "community_path", None)
            key = path if path in self.fields else "non_field_errors"
            raise serializers.ValidationError({key: [str(COMPANY_RULE_REFUSED)]})
        # clean() may normalise values (phone numbers, plates): keep what the model would store.
        for key in attrs:
            if key in concrete:
                attrs[key] = getattr(instance, key)
        return attrs

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ..access.scoping import community_ids, scope
from ..registry.models import Community
from .models import ApiToken
from .tokens import issue_token, revoke_token


class MeView(APIView):
    """The caller: id, username, roles and the communities they may see."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=inline_serializer("Me", {
        "id": serializers.IntegerField(),
        "username": serializers.CharField(),
        "roles": serializers.ListField(child=serializers.CharField()),
        "all_communities": serializers.BooleanField(),
        "communities": serializers.ListField(child=serializers.DictField()),
    }))
    def get(self, request):
        user = request.user
        communities = scope(Community.objects.all(), user).values("id", "code", "name")
        return Response({
            "id": user.pk,
            "username": user.get_username(),
            "roles": sorted(user.groups.values_list("name", flat=True)),
            "all_communities": community_ids(user) is None,
            "communities": list(communities),
        })


class TokenView(ObtainAuthToken):
    """``POST username, password`` → ``{"token": "..."}``; locked out like the admin login."""

    # A JSON body, like every other write (the base view also takes forms).
    parser_classes = [JSONParser]

    def get_serializer_context(self):
        # Authenticate with Django's request so django-axes can count failures and lock out.
        return {**super().get_serializer_context(), "request": self.request._request}

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response({"token": issue_token(user=serializer.validated_data["user"])})


class LogoutView(APIView):
    """``POST``: the token the call was made with stops working at once."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        if isinstance(request.auth, ApiToken):
            revoke_token(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)

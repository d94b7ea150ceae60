from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissions

from ..access.scoping import may_write


class ModelActionPermission(DjangoModelPermissions):
    """The roles file's model permissions, for reads too (``view_<model>``), and for writes the
    user's reach (``may_write``: company rules are read-only to users limited to some
    communities), the same checks as the admin's.

    Which rows a user reaches is the view's scoped queryset; this class only answers whether the
    user's roles allow the action on the model (and, for writes, on the row) at all.
    """

    perms_map = {
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request.method in SAFE_METHODS or getattr(view, "swagger_fake_view", False):
            return True
        return may_write(request.user, model=self._queryset(view).model)

    def has_object_permission(self, request, view, obj):
        return request.method in SAFE_METHODS or may_write(request.user, obj)


class ModelViewPermission(ModelActionPermission):
    """For actions that are checked by their service (workflow transitions): the view
    permission lets the user reach the row; the service decides whether the action is theirs."""

    perms_map = {method: ModelActionPermission.perms_map["GET"]
                 for method in ("GET", "OPTIONS", "HEAD", "POST")}

    def has_permission(self, request, view):
        return DjangoModelPermissions.has_permission(self, request, view)

    def has_object_permission(self, request, view, obj):
        return True

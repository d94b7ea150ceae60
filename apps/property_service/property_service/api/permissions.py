from rest_framework.permissions import DjangoModelPermissions


class ModelActionPermission(DjangoModelPermissions):
    """The roles file's model permissions, for reads too (``view_<model>``).

    Which rows a user reaches is the view's scoped queryset; this class only answers whether the
    user's roles allow the action on the model at all.
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


class ModelViewPermission(ModelActionPermission):
    """For actions that are checked by their service (workflow transitions): the view
    permission lets the user reach the row; the service decides whether the action is theirs."""

    perms_map = {method: ModelActionPermission.perms_map["GET"]
                 for method in ("GET", "OPTIONS", "HEAD", "POST")}

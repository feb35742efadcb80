from .permissions import actor_for


def navigation(request):
    return {"actor": actor_for(getattr(request, "user", None))}

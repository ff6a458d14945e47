from django.conf import settings


def site(request):
    return {"province_name": settings.TTHC_PROVINCE_NAME}

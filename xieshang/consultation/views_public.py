def submit(request):
    pass


def thanks(request, ticket):
    pass

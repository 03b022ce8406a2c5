from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from .models import Oppdrag
from .querysets import frister_per_brev


@login_required
def oppdrag_liste(request):
    oppdrag = Oppdrag.objects.for_user(request.user).with_list_data().order_by("-aar", "rekkefolge", "nummer")[:500]
    return render(request, "oppdrag/oppdrag_liste.html", {"oppdrag_liste": oppdrag})


@login_required
def oppdrag_detail(request, pk: int):
    oppdrag = get_object_or_404(Oppdrag.objects.for_user(request.user).with_list_data(), pk=pk)
    aar = max((f.tildelingsbrev.aar for f in oppdrag.frister.all()), default=oppdrag.aar)
    return render(request, "oppdrag/oppdrag_detail.html",
                  {"oppdrag": oppdrag, "frister": frister_per_brev(list(oppdrag.frister.all()), aar)})

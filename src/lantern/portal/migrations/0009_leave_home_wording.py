"""The standard message "leave home" as it was first installed reads in several languages as "if anyone stops you"
(the exploiter included) or "if you are arrested", and the English title says "may": it now says the police or
officials, and that the person need not say more. A text still word for word as installed is replaced by the new
standard text; a text someone has edited since is left as it is. The English text decides: if the coordinator has
changed it, nothing is replaced.

This left the old words live in both cases, and an edited translation showed as up to date: migration 0010 replaces
every text still as first installed, whatever happened to the English, and flags every text it does not replace."""

from django.db import migrations

FIRST_INSTALLED = {
    "en": (
        "You may leave home to seek help",
        "Lockdown and curfew rules allow you to leave home to seek help, to see a doctor, or to get away from violence or exploitation. If you are stopped, say that you are going to get help.",
    ),
    "ar": (
        "يمكنك مغادرة المنزل لطلب المساعدة",
        "تسمح قواعد الإغلاق وحظر التجول بمغادرة المنزل لطلب المساعدة أو لزيارة طبيب أو للابتعاد عن العنف أو الاستغلال. إذا أوقفك أحد، قل إنك ذاهب لطلب المساعدة.",
    ),
    "fr": (
        "Vous pouvez sortir de chez vous pour demander de l'aide",
        "Les règles du confinement et du couvre-feu vous permettent de sortir pour demander de l'aide, consulter un médecin ou fuir la violence ou l'exploitation. Si l'on vous arrête, dites que vous allez chercher de l'aide.",
    ),
    "es": (
        "Puede salir de casa para pedir ayuda",
        "Las normas del confinamiento y del toque de queda le permiten salir de casa para pedir ayuda, ir al médico o alejarse de la violencia o la explotación. Si le detienen, diga que va a buscar ayuda.",
    ),
    "ru": (
        "Вы можете выйти из дома, чтобы обратиться за помощью",
        "Правила карантина и комендантского часа разрешают выходить из дома, чтобы обратиться за помощью, пойти к врачу или уйти от насилия или эксплуатации. Если вас остановят, скажите, что идёте за помощью.",
    ),
    "uk": (
        "Ви можете вийти з дому, щоб звернутися по допомогу",
        "Правила локдауну та комендантської години дозволяють виходити з дому, щоб звернутися по допомогу, піти до лікаря або втекти від насильства чи експлуатації. Якщо вас зупинять, скажіть, що йдете по допомогу.",
    ),
    "ro": (
        "Puteți ieși din casă pentru a cere ajutor",
        "Regulile de carantină și de restricție de circulație vă permit să ieșiți din casă pentru a cere ajutor, pentru a merge la medic sau pentru a scăpa de violență ori exploatare. Dacă vă oprește cineva, spuneți că mergeți să cereți ajutor.",
    ),
    "bg": (
        "Можете да излезете от дома си, за да потърсите помощ",
        "Правилата при локдаун и вечерен час ви позволяват да излезете от дома, за да потърсите помощ, да отидете на лекар или да се спасите от насилие или експлоатация. Ако ви спрат, кажете, че отивате да потърсите помощ.",
    ),
    "it": (
        "Puoi uscire di casa per chiedere aiuto",
        "Le regole del lockdown e del coprifuoco ti permettono di uscire di casa per chiedere aiuto, andare dal medico o allontanarti da violenza o sfruttamento. Se ti fermano, di' che stai andando a chiedere aiuto.",
    ),
    "de": (
        "Sie dürfen das Haus verlassen, um Hilfe zu suchen",
        "Die Regeln zu Lockdown und Ausgangssperre erlauben Ihnen, das Haus zu verlassen, um Hilfe zu suchen, zum Arzt zu gehen oder Gewalt und Ausbeutung zu entkommen. Wenn Sie angehalten werden, sagen Sie, dass Sie Hilfe holen.",
    ),
    "el": (
        "Μπορείτε να βγείτε από το σπίτι για να ζητήσετε βοήθεια",
        "Οι κανόνες της καραντίνας και της απαγόρευσης κυκλοφορίας σας επιτρέπουν να βγείτε από το σπίτι για να ζητήσετε βοήθεια, να πάτε στον γιατρό ή να ξεφύγετε από βία ή εκμετάλλευση. Αν σας σταματήσουν, πείτε ότι πηγαίνετε να ζητήσετε βοήθεια.",
    ),
    "nl": (
        "Je mag de deur uit om hulp te zoeken",
        "Ook tijdens een lockdown of avondklok mag je naar buiten om hulp te zoeken, naar een dokter te gaan of te ontsnappen aan geweld of uitbuiting. Als je wordt aangehouden, zeg dan dat je hulp gaat halen.",
    ),
    "pt": (
        "Pode sair de casa para pedir ajuda",
        "As regras do confinamento e do recolher obrigatório permitem-lhe sair de casa para pedir ajuda, ir ao médico ou fugir da violência ou da exploração. Se lhe pedirem para parar, diga que vai pedir ajuda.",
    ),
}


def reword(apps, schema_editor):
    from lantern.portal.standard_messages import STANDARD_MESSAGES

    MessageText = apps.get_model("portal", "MessageText")
    texts = {t.language: t for t in MessageText.objects.filter(message__key="leave_home")}
    english = texts.get("en")
    if english is None or (english.title, english.body) != FIRST_INSTALLED["en"]:
        return
    for language, (title, body) in STANDARD_MESSAGES["leave_home"].items():
        text = texts.get(language)
        if text is not None and (text.title, text.body) == FIRST_INSTALLED.get(language):
            MessageText.objects.filter(pk=text.pk).update(title=title, body=body)


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_standard_messages")]

    operations = [migrations.RunPython(reword, migrations.RunPython.noop)]

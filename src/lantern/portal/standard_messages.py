"""The standard crisis messages, in every portal language, as the portal is installed (migration 0002 writes them;
the national coordinator edits them afterwards). The two source documents ask for exactly these: victims may
leave home to seek help despite lockdowns and curfews; hotlines and services are open; health care is for
everyone, whatever their immigration status.

Quoted labels ("Whatever your status") are the portal's own label for services that serve everyone; keep them
the same as the translation of that label in the portal's catalogue.

Survivors read these on the portal's first page during a crisis, often on a phone someone else may check: the words
are those of docs/glossary.md (never trafficking, victim or social worker; "if the police or officials stop you",
never "if anyone stops you" or "if you are arrested"), which tests/core/test_glossary.py checks."""

# ruff: noqa: RUF001 (the texts are written in Cyrillic and Greek on purpose)
from __future__ import annotations

# key -> language -> (title, body)
STANDARD_MESSAGES: dict[str, dict[str, tuple[str, str]]] = {
    "leave_home": {
        "en": (
            "You are allowed to leave home to get help",
            "Lockdown and curfew rules allow you to leave home to get help, to see a doctor, or to get away from "
            "violence or exploitation. If the police or officials stop you, you can say you are going to get help. "
            "You do not have to say more.",
        ),
        "ar": (
            "يُسمح لك بمغادرة المنزل لطلب المساعدة",
            "تسمح قواعد الإغلاق وحظر التجول بمغادرة المنزل لطلب المساعدة أو لزيارة طبيب أو للابتعاد عن العنف أو "
            "الاستغلال. إذا أوقفتك الشرطة أو أحد الموظفين الرسميين، يمكنك أن تقول إنك في طريقك لطلب المساعدة. ولا "
            "يلزمك أن تقول أكثر من ذلك.",
        ),
        "fr": (
            "Vous avez le droit de sortir de chez vous pour demander de l'aide",
            "Les règles du confinement et du couvre-feu vous permettent de sortir pour demander de l'aide, consulter "
            "un médecin ou fuir la violence ou l'exploitation. En cas de contrôle par la police ou d'autres "
            "représentants des autorités, vous pouvez dire que vous allez chercher de l'aide. Vous n'avez pas à en "
            "dire plus.",
        ),
        "es": (
            "Está permitido salir de casa para pedir ayuda",
            "Las normas del confinamiento y del toque de queda le permiten salir de casa para pedir ayuda, ir al "
            "médico o alejarse de la violencia o la explotación. Si la policía u otra autoridad le para, puede decir "
            "que va a buscar ayuda. No tiene que decir nada más.",
        ),
        "ru": (
            "Вам разрешено выйти из дома, чтобы обратиться за помощью",
            "Правила карантина и комендантского часа разрешают выходить из дома, чтобы обратиться за помощью, пойти к "
            "врачу или уйти от насилия или эксплуатации. Если вас остановит полиция или другие представители власти, "
            "вы можете сказать, что идёте за помощью. Больше ничего говорить не нужно.",
        ),
        "uk": (
            "Вам дозволено вийти з дому, щоб звернутися по допомогу",
            "Правила локдауну та комендантської години дозволяють виходити з дому, щоб звернутися по допомогу, піти "
            "до лікаря або втекти від насильства чи експлуатації. Якщо вас зупинить поліція чи інші представники "
            "влади, ви можете сказати, що йдете по допомогу. Більше нічого казати не потрібно.",
        ),
        "ro": (
            "Aveți voie să ieșiți din casă pentru a cere ajutor",
            "Regulile de carantină și de restricție de circulație vă permit să ieșiți din casă pentru a cere ajutor, "
            "pentru a merge la medic sau pentru a scăpa de violență ori exploatare. Dacă vă oprește poliția sau un "
            "alt reprezentant al autorităților, puteți spune că mergeți să cereți ajutor. Nu trebuie să spuneți mai "
            "mult.",
        ),
        "bg": (
            "Имате право да излезете от дома си, за да потърсите помощ",
            "Правилата при локдаун и вечерен час ви позволяват да излезете от дома, за да потърсите помощ, да отидете "
            "на лекар или да се спасите от насилие или експлоатация. Ако ви спре полицията или друг представител на "
            "властите, можете да кажете, че отивате да потърсите помощ. Не е нужно да казвате повече.",
        ),
        "it": (
            "Hai il diritto di uscire di casa per chiedere aiuto",
            "Le regole del lockdown e del coprifuoco ti permettono di uscire di casa per chiedere aiuto, andare dal "
            "medico o allontanarti da violenza o sfruttamento. Se la polizia o altre autorità ti fermano, puoi dire "
            "che stai andando a chiedere aiuto. Non devi dire altro.",
        ),
        "de": (
            "Sie dürfen das Haus verlassen, um Hilfe zu holen",
            "Die Regeln zu Lockdown und Ausgangssperre erlauben Ihnen, das Haus zu verlassen, um Hilfe zu holen, zum "
            "Arzt zu gehen oder Gewalt und Ausbeutung zu entkommen. Wenn die Polizei oder andere "
            "Behördenmitarbeiter Sie anhalten, können Sie sagen, dass Sie Hilfe holen. Mehr müssen Sie nicht sagen.",
        ),
        "el": (
            "Επιτρέπεται να βγείτε από το σπίτι για να ζητήσετε βοήθεια",
            "Οι κανόνες της καραντίνας και της απαγόρευσης κυκλοφορίας σας επιτρέπουν να βγείτε από το σπίτι για να "
            "ζητήσετε βοήθεια, να πάτε στον γιατρό ή να ξεφύγετε από βία ή εκμετάλλευση. Αν σας σταματήσει η "
            "αστυνομία ή άλλη αρχή, μπορείτε να πείτε ότι πηγαίνετε να ζητήσετε βοήθεια. Δεν χρειάζεται να πείτε "
            "τίποτε άλλο.",
        ),
        "nl": (
            "Je mag de deur uit om hulp te halen",
            "Ook tijdens een lockdown of avondklok mag je naar buiten om hulp te halen, naar een dokter te gaan of te "
            "ontsnappen aan geweld of uitbuiting. Als de politie of een andere handhaver je staande houdt, kun "
            "je zeggen dat je hulp gaat halen. Meer hoef je niet te zeggen.",
        ),
        "pt": (
            "Tem o direito de sair de casa para pedir ajuda",
            "As regras do confinamento e do recolher obrigatório permitem-lhe sair de casa para pedir ajuda, ir ao "
            "médico ou fugir da violência ou da exploração. Se a polícia ou outra autoridade o/a mandar parar, pode "
            "dizer que vai pedir ajuda. Não tem de dizer mais nada.",
        ),
    },
    "hotlines_open": {
        "en": (
            "Hotlines and services are open",
            "The hotlines on this page answer during the crisis, free of charge, in several languages. Some services "
            "now work by phone or online: this page shows what is open today.",
        ),
        "ar": (
            "خطوط المساعدة والخدمات مفتوحة",
            "تعمل خطوط المساعدة المذكورة في هذه الصفحة خلال الأزمة، مجانًا وبعدة لغات. تعمل بعض الخدمات الآن عبر "
            "الهاتف أو الإنترنت: تعرض هذه الصفحة ما هو مفتوح اليوم.",
        ),
        "fr": (
            "Les lignes d'écoute et les services sont ouverts",
            "Les lignes d'écoute de cette page répondent pendant la crise, gratuitement et en plusieurs langues. "
            "Certains services fonctionnent désormais par téléphone ou en ligne : cette page indique ce qui est "
            "ouvert aujourd'hui.",
        ),
        "es": (
            "Las líneas de ayuda y los servicios están abiertos",
            "Las líneas de ayuda de esta página atienden durante la crisis, de forma gratuita y en varios idiomas. "
            "Algunos servicios funcionan ahora por teléfono o en línea: esta página muestra lo que está abierto hoy.",
        ),
        "ru": (
            "Горячие линии и службы работают",
            "Горячие линии на этой странице работают во время кризиса, бесплатно и на нескольких языках. Некоторые "
            "службы теперь работают по телефону или онлайн: на этой странице видно, что открыто сегодня.",
        ),
        "uk": (
            "Гарячі лінії та служби працюють",
            "Гарячі лінії на цій сторінці працюють під час кризи, безкоштовно та кількома мовами. Деякі служби "
            "тепер працюють телефоном або онлайн: на цій сторінці видно, що відкрито сьогодні.",
        ),
        "ro": (
            "Liniile de ajutor și serviciile sunt deschise",
            "Liniile de ajutor de pe această pagină răspund pe durata crizei, gratuit și în mai multe limbi. Unele "
            "servicii lucrează acum prin telefon sau online: această pagină arată ce este deschis astăzi.",
        ),
        "bg": (
            "Горещите линии и услугите работят",
            "Горещите линии на тази страница отговарят по време на кризата, безплатно и на няколко езика. Някои "
            "услуги сега работят по телефона или онлайн: тази страница показва какво е отворено днес.",
        ),
        "it": (
            "Le linee di aiuto e i servizi sono aperti",
            "Le linee di aiuto di questa pagina rispondono durante la crisi, gratuitamente e in più lingue. Alcuni "
            "servizi ora funzionano per telefono o online: questa pagina mostra cosa è aperto oggi.",
        ),
        "de": (
            "Hilfetelefone und Beratungsstellen sind erreichbar",
            "Die Hilfetelefone auf dieser Seite sind während der Krise erreichbar, kostenlos und in mehreren "
            "Sprachen. Manche Stellen arbeiten jetzt telefonisch oder online: Diese Seite zeigt, was heute geöffnet "
            "ist.",
        ),
        "el": (
            "Οι γραμμές βοήθειας και οι υπηρεσίες λειτουργούν",
            "Οι γραμμές βοήθειας αυτής της σελίδας απαντούν κατά τη διάρκεια της κρίσης, δωρεάν και σε πολλές "
            "γλώσσες. Ορισμένες υπηρεσίες λειτουργούν τώρα τηλεφωνικά ή διαδικτυακά: αυτή η σελίδα δείχνει τι "
            "είναι ανοιχτό σήμερα.",
        ),
        "nl": (
            "Hulplijnen en hulpdiensten zijn open",
            "De hulplijnen op deze pagina zijn tijdens de crisis bereikbaar, gratis en in meerdere talen. Sommige "
            "diensten werken nu telefonisch of online: deze pagina laat zien wat vandaag open is.",
        ),
        "pt": (
            "As linhas de apoio e os serviços estão abertos",
            "As linhas de apoio desta página atendem durante a crise, gratuitamente e em várias línguas. Alguns "
            "serviços funcionam agora por telefone ou online: esta página mostra o que está aberto hoje.",
        ),
    },
    "health_care": {
        "en": (
            "Health care whatever your status",
            "Medical care, tests and vaccination are for everyone, whatever your immigration status and even without "
            "documents. Services marked “Whatever your status” help you without asking for papers.",
        ),
        "ar": (
            "رعاية صحية أيًا كان وضعك",
            "الرعاية الطبية والفحوص واللقاحات للجميع، أيًا كان وضعك من حيث الهجرة وحتى من دون وثائق. الخدمات "
            "المشار إليها بعبارة «أيًا كان وضعك» تساعدك دون أن تطلب أوراقك.",
        ),
        "fr": (
            "Des soins quel que soit votre statut",
            "Les soins médicaux, les tests et la vaccination sont pour tout le monde, quel que soit votre statut "
            "migratoire et même sans papiers. Les services marqués « Quel que soit votre statut » vous aident sans "
            "demander vos papiers.",
        ),
        "es": (
            "Atención sanitaria sea cual sea su situación",
            "La atención médica, las pruebas y la vacunación son para todas las personas, sea cual sea su situación "
            "migratoria e incluso sin documentos. Los servicios marcados «Sea cual sea su situación» le ayudan sin "
            "pedirle papeles.",
        ),
        "ru": (
            "Медицинская помощь независимо от статуса",
            "Медицинская помощь, тесты и вакцинация доступны всем, независимо от миграционного статуса и даже без "
            "документов. Службы с пометкой «Независимо от вашего статуса» помогут вам, не спрашивая документов.",
        ),
        "uk": (
            "Медична допомога незалежно від статусу",
            "Медична допомога, тести та вакцинація доступні всім, незалежно від міграційного статусу й навіть без "
            "документів. Служби з позначкою «Незалежно від вашого статусу» допоможуть вам, не питаючи документів.",
        ),
        "ro": (
            "Îngrijire medicală indiferent de statut",
            "Îngrijirea medicală, testele și vaccinarea sunt pentru toată lumea, indiferent de statutul de imigrare "
            "și chiar fără documente. Serviciile marcate „Indiferent de statutul dumneavoastră” vă ajută fără să vă "
            "ceară acte.",
        ),
        "bg": (
            "Здравни грижи независимо от статута ви",
            "Медицинската помощ, тестовете и ваксинацията са за всички, независимо от имиграционния ви статут и "
            "дори без документи. Услугите с означение „Независимо от статута ви“ ви помагат, без да искат "
            "документи.",
        ),
        "it": (
            "Cure mediche qualunque sia il tuo status",
            "Le cure mediche, i test e la vaccinazione sono per tutti, qualunque sia il tuo status migratorio e "
            "anche senza documenti. I servizi segnati «Qualunque sia il tuo status» ti aiutano senza chiederti i "
            "documenti.",
        ),
        "de": (
            "Gesundheitsversorgung unabhängig vom Aufenthaltsstatus",
            "Medizinische Versorgung, Tests und Impfungen sind für alle da, unabhängig vom Aufenthaltsstatus und "
            "auch ohne Papiere. Stellen mit dem Hinweis „Unabhängig von Ihrem Aufenthaltsstatus“ helfen Ihnen, "
            "ohne nach Papieren zu fragen.",
        ),
        "el": (
            "Υγειονομική περίθαλψη ανεξάρτητα από το καθεστώς σας",
            "Η ιατρική περίθαλψη, τα τεστ και ο εμβολιασμός είναι για όλους, ανεξάρτητα από το μεταναστευτικό σας "
            "καθεστώς και ακόμη και χωρίς έγγραφα. Οι υπηρεσίες με την ένδειξη «Ανεξάρτητα από το καθεστώς σας» "
            "σας βοηθούν χωρίς να ζητούν χαρτιά.",
        ),
        "nl": (
            "Zorg, wat je verblijfsstatus ook is",
            "Medische zorg, tests en vaccinatie zijn er voor iedereen, wat je verblijfsstatus ook is en ook zonder "
            "papieren. Diensten met „Wat je verblijfsstatus ook is” helpen je zonder naar papieren te vragen.",
        ),
        "pt": (
            "Cuidados de saúde seja qual for a sua situação",
            "Os cuidados médicos, os testes e a vacinação são para todos, seja qual for a sua situação migratória e "
            "mesmo sem documentos. Os serviços marcados «Seja qual for a sua situação» prestam ajuda sem pedir "
            "documentos.",
        ),
    },
}

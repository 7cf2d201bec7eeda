#include "core/i18n.hpp"

namespace kiosk {
namespace {

struct Row {
  Text key;
  const char* text[kLangCount];  // en, de, fr, es
};

// Rows are in the order of the Text enum; a unit test checks that and the placeholders.
const Row kRows[] = {
    {Text::Loading, {"Starting…", "Wird gestartet…", "Démarrage…", "Iniciando…"}},
    {Text::GetPass, {"Get a guest pass", "Gastausweis holen", "Obtenir un badge visiteur",
                     "Obtener un pase de visita"}},
    {Text::TapToStart, {"Tap to begin", "Zum Starten tippen", "Touchez pour commencer",
                        "Toque para empezar"}},
    {Text::LargerText, {"Larger text", "Größere Schrift", "Texte plus grand",
                        "Texto más grande"}},
    {Text::DetailsTitle, {"Your details", "Ihre Angaben", "Vos informations", "Sus datos"}},
    {Text::YourName, {"Your name", "Ihr Name", "Votre nom", "Su nombre"}},
    {Text::NamePlaceholder, {"Type your name", "Namen eingeben", "Saisissez votre nom",
                             "Escriba su nombre"}},
    {Text::Purpose, {"Purpose of your visit", "Grund Ihres Besuchs", "Motif de votre visite",
                     "Motivo de su visita"}},
    {Text::Door, {"Door", "Tür", "Porte", "Puerta"}},
    {Text::StorageNote,
     {"We store your name, purpose and time of entry for {days} days, then delete them.",
      "Wir speichern Name, Grund und Eintrittszeit {days} Tage lang und löschen sie dann.",
      "Nous gardons votre nom, le motif et l’heure d’entrée {days} jours, puis les effaçons.",
      "Guardamos su nombre, el motivo y la hora de entrada {days} días y luego los borramos."}},
    {Text::Confirm, {"Get my pass", "Ausweis erstellen", "Créer mon badge", "Crear mi pase"}},
    {Text::Cancel, {"Cancel", "Abbrechen", "Annuler", "Cancelar"}},
    {Text::NameEmpty, {"Please type your name.", "Bitte geben Sie Ihren Namen ein.",
                       "Veuillez saisir votre nom.", "Escriba su nombre, por favor."}},
    {Text::NameBadChar,
     {"Please use letters, spaces, hyphens and apostrophes only.",
      "Bitte nur Buchstaben, Leerzeichen, Bindestriche und Apostrophe verwenden.",
      "Utilisez uniquement des lettres, espaces, traits d’union et apostrophes.",
      "Use solo letras, espacios, guiones y apóstrofos."}},
    {Text::NameTooLong, {"At most {max} characters, please.", "Höchstens {max} Zeichen, bitte.",
                         "{max} caractères au maximum, s’il vous plaît.",
                         "Como máximo {max} caracteres, por favor."}},
    {Text::ChoosePurpose, {"Please choose a purpose.", "Bitte wählen Sie einen Grund.",
                           "Veuillez choisir un motif.", "Elija un motivo, por favor."}},
    {Text::ChooseDoor, {"Please choose a door.", "Bitte wählen Sie eine Tür.",
                        "Veuillez choisir une porte.", "Elija una puerta, por favor."}},
    {Text::KeySpace, {"Space", "Leertaste", "Espace", "Espacio"}},
    {Text::KeyDone, {"Done", "Fertig", "OK", "Listo"}},
    {Text::KeyDelete, {"Delete", "Löschen", "Effacer", "Borrar"}},
    {Text::PurposeVisit, {"Visit", "Besuch", "Visite", "Visita"}},
    {Text::PurposeMeeting, {"Meeting", "Termin", "Réunion", "Reunión"}},
    {Text::PurposeDelivery, {"Delivery", "Lieferung", "Livraison", "Entrega"}},
    {Text::PurposeInterview, {"Interview", "Vorstellungsgespräch", "Entretien", "Entrevista"}},
    {Text::PurposeTrial, {"Trial session", "Probetraining", "Séance d’essai",
                          "Sesión de prueba"}},
    {Text::Issuing, {"Preparing your pass…", "Ihr Ausweis wird erstellt…",
                     "Préparation de votre badge…", "Preparando su pase…"}},
    {Text::PassTitle, {"Your pass", "Ihr Ausweis", "Votre badge", "Su pase"}},
    {Text::PassShowAtDoor,
     {"Hold this code in front of the scanner at {door}.",
      "Halten Sie diesen Code vor den Scanner an der Tür „{door}“.",
      "Présentez ce code au lecteur de la porte « {door} ».",
      "Muestre este código al lector de la puerta «{door}»."}},
    {Text::PassValidFor, {"Valid for", "Gültig noch", "Valable encore", "Válido durante"}},
    {Text::PassTakeAlong,
     {"Or scan this code with your phone to take the pass along.",
      "Oder scannen Sie diesen Code mit Ihrem Handy, um den Ausweis mitzunehmen.",
      "Ou scannez ce code avec votre téléphone pour emporter le badge.",
      "O escanee este código con su móvil para llevarse el pase."}},
    {Text::PassLostContact,
     {"Connection lost – still trying. Your pass stays valid.",
      "Verbindung unterbrochen – wird erneut versucht. Ihr Ausweis bleibt gültig.",
      "Connexion perdue – nouvel essai en cours. Votre badge reste valable.",
      "Conexión perdida – reintentando. Su pase sigue siendo válido."}},
    {Text::EnteredTitle, {"Welcome, {name}!", "Willkommen, {name}!", "Bienvenue, {name} !",
                          "¡Bienvenido/a, {name}!"}},
    {Text::EnteredAt, {"{door}, entered at {time}", "{door}, eingetreten um {time}",
                       "{door}, entrée à {time}", "{door}, entrada a las {time}"}},
    {Text::Done, {"Done", "Fertig", "Terminé", "Listo"}},
    {Text::ExpiredTitle, {"Your pass has expired", "Ihr Ausweis ist abgelaufen",
                          "Votre badge a expiré", "Su pase ha caducado"}},
    {Text::ExpiredBody, {"It was not used in time. You can get a new one for the same door.",
                         "Er wurde nicht rechtzeitig benutzt. Sie können einen neuen für "
                         "dieselbe Tür erhalten.",
                         "Il n’a pas été utilisé à temps. Vous pouvez en obtenir un nouveau "
                         "pour la même porte.",
                         "No se usó a tiempo. Puede obtener uno nuevo para la misma puerta."}},
    {Text::NewPass, {"Get a new pass", "Neuen Ausweis holen", "Nouveau badge",
                     "Obtener un pase nuevo"}},
    {Text::Finish, {"Finish", "Beenden", "Terminer", "Terminar"}},
    {Text::ProblemTitle, {"Sorry, that did not work", "Das hat leider nicht geklappt",
                          "Désolé, cela n’a pas fonctionné", "Lo sentimos, no ha funcionado"}},
    {Text::ProblemUnreachable,
     {"The pass service cannot be reached right now.",
      "Der Ausweisdienst ist gerade nicht erreichbar.",
      "Le service des badges est injoignable pour le moment.",
      "El servicio de pases no está disponible en este momento."}},
    {Text::ProblemDoor, {"This door is not available right now.",
                         "Diese Tür ist gerade nicht verfügbar.",
                         "Cette porte n’est pas disponible pour le moment.",
                         "Esta puerta no está disponible en este momento."}},
    {Text::ProblemRateLimited,
     {"Too many passes right now. Please try again in {seconds} seconds.",
      "Gerade zu viele Ausweise. Bitte versuchen Sie es in {seconds} Sekunden erneut.",
      "Trop de badges en ce moment. Réessayez dans {seconds} secondes.",
      "Demasiados pases ahora mismo. Inténtelo de nuevo en {seconds} segundos."}},
    {Text::ProblemNotAuthorized,
     {"This kiosk is not authorized to issue passes.",
      "Dieses Terminal darf keine Ausweise ausstellen.",
      "Cette borne n’est pas autorisée à délivrer des badges.",
      "Este quiosco no está autorizado para emitir pases."}},
    {Text::ProblemUnexpected, {"Something unexpected happened.", "Etwas Unerwartetes ist passiert.",
                               "Un incident inattendu s’est produit.",
                               "Ha ocurrido algo inesperado."}},
    {Text::ProblemHelp, {"Please try again in a moment, or ask at the desk.",
                         "Bitte versuchen Sie es gleich noch einmal oder fragen Sie am Empfang.",
                         "Réessayez dans un instant ou adressez-vous à l’accueil.",
                         "Inténtelo de nuevo en un momento o pregunte en recepción."}},
    {Text::ProblemAskDesk, {"Please ask at the desk.", "Bitte fragen Sie am Empfang.",
                            "Veuillez vous adresser à l’accueil.",
                            "Por favor, pregunte en recepción."}},
    {Text::RetryingIn, {"Trying again in {seconds} s…", "Neuer Versuch in {seconds} s…",
                        "Nouvel essai dans {seconds} s…", "Reintentando en {seconds} s…"}},
    {Text::Retry, {"Try again", "Erneut versuchen", "Réessayer", "Reintentar"}},
    {Text::StaffReference, {"Reference for staff: {ref}", "Referenz für das Personal: {ref}",
                            "Référence pour le personnel : {ref}",
                            "Referencia para el personal: {ref}"}},
    {Text::StillThere, {"Still there?", "Noch da?", "Vous êtes toujours là ?", "¿Sigue ahí?"}},
    {Text::StillThereBody,
     {"Tap to continue. Starting over in {seconds} s.",
      "Tippen Sie, um fortzufahren. Neustart in {seconds} s.",
      "Touchez pour continuer. Retour au début dans {seconds} s.",
      "Toque para continuar. Se reiniciará en {seconds} s."}},
    {Text::Continue, {"Continue", "Weiter", "Continuer", "Continuar"}},
    {Text::PairTitle, {"Pair this kiosk", "Terminal koppeln", "Associer cette borne",
                       "Vincular este quiosco"}},
    {Text::PairBody, {"Enter the 8-digit code from staff.",
                      "Geben Sie den 8-stelligen Code vom Personal ein.",
                      "Saisissez le code à 8 chiffres fourni par le personnel.",
                      "Introduzca el código de 8 dígitos del personal."}},
    {Text::Pair, {"Pair", "Koppeln", "Associer", "Vincular"}},
    {Text::PairWrong, {"That code did not work. Check it and try again.",
                       "Dieser Code hat nicht funktioniert. Bitte prüfen und erneut versuchen.",
                       "Ce code n’a pas fonctionné. Vérifiez-le et réessayez.",
                       "Ese código no ha funcionado. Compruébelo e inténtelo de nuevo."}},
    {Text::PairLocked, {"Too many wrong codes. Please wait {seconds} s.",
                        "Zu viele falsche Codes. Bitte {seconds} s warten.",
                        "Trop de codes erronés. Patientez {seconds} s.",
                        "Demasiados códigos erróneos. Espere {seconds} s."}},
    {Text::StaffPin, {"Staff PIN", "Personal-PIN", "PIN du personnel", "PIN del personal"}},
    {Text::StaffPinWrong, {"Wrong PIN.", "Falsche PIN.", "PIN incorrect.", "PIN incorrecto."}},
    {Text::StaffLocked, {"Locked. Try again in {seconds} s.",
                         "Gesperrt. Erneut versuchen in {seconds} s.",
                         "Verrouillé. Réessayez dans {seconds} s.",
                         "Bloqueado. Inténtelo de nuevo en {seconds} s."}},
    {Text::StaffTitle, {"Staff panel", "Personalbereich", "Espace personnel",
                        "Panel del personal"}},
    {Text::StaffHealth, {"Health", "Zustand", "État", "Estado"}},
    {Text::StaffEntries, {"Last entries", "Letzte Eintritte", "Dernières entrées",
                          "Últimas entradas"}},
    {Text::StaffSettings, {"This kiosk", "Dieses Terminal", "Cette borne", "Este quiosco"}},
    {Text::StaffReload, {"Reload app", "App neu laden", "Recharger l’appli",
                         "Recargar la aplicación"}},
    {Text::StaffUnpair, {"Unpair kiosk", "Terminal entkoppeln", "Dissocier la borne",
                         "Desvincular quiosco"}},
    {Text::StaffClose, {"Close", "Schließen", "Fermer", "Cerrar"}},
    {Text::StaffNoEntries, {"No entries yet.", "Noch keine Eintritte.", "Aucune entrée.",
                            "Aún no hay entradas."}},
    {Text::StaffLanguage, {"Default language", "Standardsprache", "Langue par défaut",
                           "Idioma predeterminado"}},
    {Text::StaffDoors, {"Doors offered", "Angebotene Türen", "Portes proposées",
                        "Puertas ofrecidas"}},
    {Text::StaffSignIn, {"Sign in", "Anmelden", "Connexion", "Entrar"}},
    {Text::StaffBein, {"be-in: {state}", "be-in: {state}", "be-in : {state}", "be-in: {state}"}},
    {Text::StaffWebhooks,
     {"Webhooks: secret set {secret}, last delivery {time}, rejected in the last hour {count}",
      "Webhooks: Geheimnis gesetzt {secret}, letzte Zustellung {time}, abgelehnt in der "
      "letzten Stunde {count}",
      "Webhooks : secret défini {secret}, dernière livraison {time}, refusées depuis une "
      "heure {count}",
      "Webhooks: secreto definido {secret}, última entrega {time}, rechazadas en la última "
      "hora {count}"}},
    {Text::StaffStoreOk, {"Store: writable", "Speicher: beschreibbar", "Stockage : accessible",
                          "Almacén: disponible"}},
    {Text::StaffStoreFailing, {"Store: NOT writable", "Speicher: NICHT beschreibbar",
                               "Stockage : INACCESSIBLE", "Almacén: NO disponible"}},
    {Text::Yes, {"yes", "ja", "oui", "sí"}},
    {Text::No, {"no", "nein", "non", "no"}},
    {Text::StaffUnreachable, {"The backend did not answer.", "Das Backend antwortet nicht.",
                              "Le serveur ne répond pas.", "El servidor no responde."}},
};

static_assert(sizeof(kRows) / sizeof(kRows[0]) == static_cast<std::size_t>(Text::Count),
              "every Text key needs exactly one row");

}  // namespace

const char* lang_code(Lang lang) {
  static const char* codes[] = {"en", "de", "fr", "es"};
  return codes[static_cast<int>(lang)];
}

const char* lang_endonym(Lang lang) {
  static const char* names[] = {"English", "Deutsch", "Français", "Español"};
  return names[static_cast<int>(lang)];
}

std::optional<Lang> lang_from_code(std::string_view code) {
  for (int i = 0; i < kLangCount; ++i) {
    if (code == lang_code(static_cast<Lang>(i))) return static_cast<Lang>(i);
  }
  return std::nullopt;
}

Text text_row_key(std::size_t index) { return kRows[index].key; }

const char* tr(Lang lang, Text key) {
  const auto index = static_cast<std::size_t>(key);
  if (index >= static_cast<std::size_t>(Text::Count)) return "?";
  return kRows[index].text[static_cast<int>(lang)];
}

std::string fill(std::string_view tmpl,
                 std::initializer_list<std::pair<std::string_view, std::string>> values) {
  std::string out;
  std::size_t i = 0;
  while (i < tmpl.size()) {
    bool replaced = false;
    if (tmpl[i] == '{') {
      for (const auto& [name, value] : values) {
        if (tmpl.compare(i + 1, name.size(), name) == 0 && i + 1 + name.size() < tmpl.size() &&
            tmpl[i + 1 + name.size()] == '}') {
          out += value;
          i += name.size() + 2;
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out += tmpl[i++];
  }
  return out;
}

}  // namespace kiosk

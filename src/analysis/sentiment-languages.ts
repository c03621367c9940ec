/**
 * Spanish, French, German, Italian, Portuguese and Dutch: the lexicons, stemmers and accent
 * folding of NLP.js's language packages (@nlpjs/lang-xx, MIT; senticon for es/de, the Pattern
 * lexicons for fr/it/nl, AFINN for pt), combined by the same rules as English
 * (./sentiment-rules.ts) with each language's negators, contrast words, degree adverbs and
 * request openers, plus a small customer vocabulary per language.
 *
 * @nlpjs/sentiment's own analyzer is not used: its tokenizer memoises every text it sees for an
 * hour (unbounded memory in a long-lived isolate) and its negation flips every word after it to
 * the end of the text. The stemmers memoise every word too, so their memo is emptied every
 * STEM_MEMO_LIMIT words.
 */
import { NormalizerDe, SentimentDe, StemmerDe, StopwordsDe } from '@nlpjs/lang-de';
import { NormalizerEs, SentimentEs, StemmerEs, StopwordsEs } from '@nlpjs/lang-es';
import { NormalizerFr, SentimentFr, StemmerFr, StopwordsFr } from '@nlpjs/lang-fr';
import { NormalizerIt, SentimentIt, StemmerIt, StopwordsIt } from '@nlpjs/lang-it';
import { NormalizerNl, SentimentNl, StemmerNl, StopwordsNl } from '@nlpjs/lang-nl';
import { NormalizerPt, SentimentPt, StemmerPt, StopwordsPt } from '@nlpjs/lang-pt';
import { family } from './customer-lexicon.ts';
import { normaliseForAnalysis } from './normalise-text.ts';
import type { SentimentResult } from './sentiment.ts';
import {
  buildVocabulary,
  confidenceFor,
  findPhrases,
  labelFor,
  malfunctionSpans,
  round3,
  scoreTokens,
  type LanguageWords,
  type Vocabulary,
} from './sentiment-rules.ts';

export const SENTIMENT_LANGUAGES = ['en', 'es', 'fr', 'de', 'it', 'pt', 'nl'] as const;
type OtherLanguage = Exclude<(typeof SENTIMENT_LANGUAGES)[number], 'en'>;

const STEM_MEMO_LIMIT = 50_000;
const TO_VADER_SCALE = 4;
/**
 * senticon and Pattern give many plain words small values (Spanish "es" → "ser" −0.25, "pedido"
 * +0.375): below 0.4 of their maximum a value is treated as noise, not an opinion. AFINN's
 * integer scores are all kept.
 */
const MIN_GRADED_VALUE = 0.4;

interface LanguageSpec {
  stemmer: new () => NlpjsStemmer;
  normalizer: new () => NlpjsNormalizer;
  stopwords: new () => NlpjsStopwords;
  data: NlpjsSentimentData;
  /** Space-separated, accents folded, lower case. */
  negators: string;
  without: string;
  contrast: string;
  contrastOpeners: string;
  concessions: string;
  boosters: string;
  dampeners: string;
  /** Sentence openers that make a request: one or two words. */
  requests: string;
  refusals: string;
  resolutions: string;
  /** Stopwords the package lacks (its German list is empty). */
  extraStopwords?: string;
  /** Customer vocabulary on VADER's scale, folded words. */
  vocabulary: ReadonlyArray<readonly [string, number]>;
  /** Forms of the function verbs (works, turns on, charges…), matched by stem: see malfunctionSpans. */
  functionVerbs: string;
  /** Failure verbs that, like a negator, make a function verb a malfunction ("dejó de funcionar"). */
  failures: string;
  negatesAfterVerb?: true;
}

const SPECS: Readonly<Record<OtherLanguage, LanguageSpec>> = {
  es: {
    stemmer: StemmerEs, normalizer: NormalizerEs, stopwords: StopwordsEs, data: SentimentEs,
    negators: 'no nunca jamas ni nada nadie ningun ninguna tampoco', without: 'sin',
    contrast: 'pero embargo aunque', contrastOpeners: 'pero', concessions: 'aunque',
    boosters: 'muy super realmente totalmente increiblemente tan mucho bastante', dampeners: 'algo poco apenas',
    requests: 'por_favor podrian podria pueden puede quisiera necesito me_gustaria',
    refusals: 'negaron nego rechazaron', resolutions: 'resolvieron resolvio solucionaron soluciono arreglaron arreglo',
    functionVerbs: 'funciona funcionan funcionar enciende encienden encender arranca arrancar carga cargar conecta conectar abre abrir cierra cerrar centrifuga desagua calienta calentar enfria imprime imprimir responde responder sincroniza guarda',
    failures: 'dejo deja dejaron',
    vocabulary: [
      ...family(-1.8, 'gotea, gotear, pierde agua, fuga, atasca, se atasca, atascado, atascada, atasco'),
      ...family(-1.4, 'falta, faltan, faltaba, faltaban, equivocado, equivocada, erroneo, incorrecto, incorrecta'),
      ...family(-2.2, 'nunca llego, no ha llegado, no llego, sin respuesta, ninguna respuesta, no contestan, no he recibido'),
      ...family(-1.4, 'todavia no, aun no, se descarga, descosio, descosido, rasgado, rasgada, rayado, abollado'),
      ...family(-1.8, 'oxidado, moho, sobrecalienta, averiado, averiada, averia, fallo, falla, mal embalado, no sirve'),
      ...family(-1.2, 'ruido, ruidoso, parpadea, cierra la sesion, mojado, empapado, error'),
      ...family(-2.6, 'me cobraron de mas, cobro de mas, estafa, timo, inservible, decepcion'),
      ...family(1.6, 'arreglo, arreglaron, reparo, reparado, resolvio, soluciono, sin problemas'),
      ...family(2.2, 'buen trabajo, bien embalado, bien embalada, antes de lo esperado, volveria a comprar, recomendable'),
      ...family(2.6, 'funciona perfectamente, funciona muy bien, encantado, encantada, buena relacion calidad precio'),
      ['tarde', -1.4], ['retraso', -1.4], ['retrasado', -1.4], ['roto', -2.0], ['rota', -2.0], ['rompio', -2.0],
      ['se rompio', -2.0], ['reembolso', -1.2], ['devolucion', -1.0], ['cobraron dos veces', -2.2],
      ['me cobraron', -1.4], ['esperando', -1.2], ['sigo esperando', -2.0], ['espere', -1.2],
      ['nadie responde', -2.0], ['nadie contesta', -2.0], ['no responden', -2.0], ['cancelaron', -1.6],
      ['cancelado', -1.4], ['cancelada', -1.4], ['perdida de dinero', -2.8], ['perdida de tiempo', -2.6],
      ['dejo de funcionar', -2.4], ['no funciona', -2.2], ['se cierra', -1.6], ['se cuelga', -1.8], ['fria', -1.0],
      ['frio', -1.0], ['grosero', -2.2], ['grosera', -2.2], ['maleducado', -2.2], ['colgo', -1.6], ['sucia', -1.8],
      ['sucio', -1.8], ['olia mal', -2.0], ['huele mal', -2.0], ['defectuoso', -2.2], ['defectuosa', -2.2],
      ['lento', -1.2], ['lenta', -1.2], ['decepcionado', -2.2], ['decepcionada', -2.2], ['pesima', -2.8],
      ['pesimo', -2.8], ['horrible', -2.6], ['fatal', -2.4], ['el peor', -3.0], ['la peor', -3.0],
      ['dura muy poco', -1.8], ['dura poco', -1.6], ['no volvere', -2.2], ['nunca mas', -2.0],
      ['no lo recomiendo', -2.4], ['caro', -0.8], ['resolvieron', -1.6], ['resuelto', 1.6], ['solucionado', 1.6],
      ['solucionaron', 1.6], ['rapido', 1.2], ['rapida', 1.2], ['rapidamente', 1.0], ['amable', 2.0],
      ['amables', 2.0], ['atento', 1.8], ['atenta', 1.8], ['limpia', 1.4], ['limpio', 1.4], ['comoda', 1.6],
      ['comodo', 1.6], ['puntual', 1.6], ['lo recomiendo', 2.4], ['recomiendo', 2.0], ['cinco estrellas', 2.8],
      ['me encanta', 3.0], ['encanta', 2.6], ['deliciosa', 2.8], ['delicioso', 2.8], ['buenisimo', 2.8],
      ['buenisima', 2.8], ['genial', 2.6], ['perfecto', 2.8], ['perfecta', 2.8], ['gracias', 1.2],
      ['contento', 2.2], ['contenta', 2.2], ['satisfecho', 2.2], ['satisfecha', 2.2], ['vale cada', 2.0],
      ['impecable', 2.6], ['util', 1.4], ['facil', 1.4], ['fantastica', 2.8], ['fantastico', 2.8],
      ['precioso', 2.4], ['preciosa', 2.4], ['estupendo', 2.6], ['estupenda', 2.6], ['excelente', 3.0],
      ['maravilla', 2.8], ['de maravilla', 2.8], ['volveremos', 2.0], ['antes de lo previsto', 2.2],
      ['profesional', 1.6], ['sin ningun problema', 1.6], ['buena calidad', 2.2], ['gran calidad', 2.4],
      ['por favor', 0], ['factura', 0], ['pedido', 0], ['envio', 0], ['envios', 0], ['gris', 0], ['numero', 0],
      ['llego', 0], ['reunion', 0], ['tarde de', 0], ['de la tarde', 0], ['primer', 0], ['renueva', 0],
      ['movil', 0], ['manual', 0], ['encontrar', 0], ['departamento', 0], ['direccion', 0], ['me gustaria', 0],
      ['tecnico', 0], ['garantia', 0], ['cubre', 0],
    ],
  },
  fr: {
    stemmer: StemmerFr, normalizer: NormalizerFr, stopwords: StopwordsFr, data: SentimentFr,
    negators: 'ne n pas jamais rien aucun aucune personne ni', without: 'sans',
    contrast: 'mais cependant pourtant toutefois', contrastOpeners: 'mais cependant pourtant', concessions: 'bien_que quoique meme_si',
    boosters: 'tres vraiment tellement super absolument completement trop vivement', dampeners: 'peu assez plutot',
    requests: 'merci_de pourriez pouvez veuillez je_voudrais j_aimerais',
    refusals: 'refuse refusent', resolutions: 'resolu resolue regle reglee repare reparee',
    functionVerbs: 'marche marchent marcher fonctionne fonctionnent fonctionner allume allumer demarre demarrer charge charger connecte connecter ouvre ouvrir ferme fermer vide vidange essore chauffe chauffer refroidit imprime imprimer repond repondre synchronise enregistre',
    failures: 'arrete cesse',
    vocabulary: [
      ...family(-1.8, 'fuit, fuite, fuient, bourre, bourrage, coince, bloque, en panne, panne, tombe en panne'),
      ...family(-1.4, 'manquait, manque, manquent, erreur, mauvaise taille, se vide, raye, rayee, bruit'),
      ...family(-2.2, 'jamais arrive, jamais recu, pas recu, toujours pas, ne me repond, aucune reponse, sans reponse'),
      ...family(-1.8, 'dechire, dechiree, decousu, rouille, moisi, moisissure, surchauffe, mal emballe, inutilisable'),
      ...family(-1.4, 'bruyant, deconnecte, trempe'),
      ...family(-2.6, 'facture deux fois, arnaque, deception'),
      ...family(1.6, 'repare, reparee, sans probleme, sans souci, racheter'),
      ...family(2.2, 'bravo, bien emballe, bien emballee, plus tot que prevu, je le racheterais, racheterais, efficace'),
      ...family(2.6, 'marche a merveille, fonctionne parfaitement, fonctionne tres bien, ravi, ravie, bon rapport qualite prix'),
      ['en retard', -1.6], ['retard', -1.4], ['abimee', -2.0], ['abime', -2.0], ['casse', -2.0], ['cassee', -2.0],
      ['s est casse', -2.2], ['remboursement', -1.2], ['debite deux fois', -2.2], ['attends toujours', -2.0],
      ['j attends', -1.2], ['attendu', -1.2], ['personne ne repond', -2.2], ['annulee', -1.6], ['annule', -1.4],
      ['perte d argent', -2.8], ['perte de temps', -2.6], ['cesse de fonctionner', -2.4], ['ne marche pas', -2.2],
      ['ne fonctionne pas', -2.2], ['plante', -1.8], ['froid', -1.0], ['froide', -1.0], ['impoli', -2.2],
      ['impolie', -2.2], ['raccroche', -1.6], ['sale', -1.8], ['sentait mauvais', -2.0], ['defectueux', -2.2],
      ['defectueuse', -2.2], ['lent', -1.2], ['lente', -1.2], ['decu', -2.2], ['decue', -2.2], ['mediocre', -2.0],
      ['horrible', -2.6], ['le pire', -3.0], ['la pire', -3.0], ['ne tient pas', -1.8], ['je ne reviendrai', -2.2],
      ['ne le recommande pas', -2.4], ['mauvaise', -2.0], ['mauvais', -2.0], ['resolu', 1.6], ['regle', 1.4],
      ['rapide', 1.2], ['rapidement', 1.0], ['aimable', 2.0], ['attentionne', 1.8], ['attentionnee', 1.8],
      ['propre', 1.4], ['confortable', 1.6], ['ponctuel', 1.6], ['recommande', 2.0], ['je le recommande', 2.4],
      ['cinq etoiles', 2.8], ['j adore', 3.0], ['adore', 2.6], ['delicieux', 2.8], ['delicieuse', 2.8],
      ['genial', 2.6], ['parfait', 2.8], ['parfaite', 2.8], ['merci beaucoup', 1.6], ['content', 2.2],
      ['contente', 2.2], ['satisfait', 2.2], ['satisfaite', 2.2], ['vaut chaque', 2.0], ['impeccable', 2.6],
      ['pratique', 1.4], ['facile', 1.4], ['fantastique', 2.8], ['magnifique', 2.8], ['superbe', 2.8],
      ['excellent', 3.0], ['excellente', 3.0], ['a merveille', 2.8], ['nous reviendrons', 2.0], ['en avance', 2.2],
      ['professionnel', 1.6], ['sans aucun probleme', 1.6], ['bonne qualite', 2.2], ['grande qualite', 2.4],
      ['bon prix', 1.6], ['merci de', 0], ['merci d', 0], ['facture', 0], ['commande', 0], ['colis', 0],
      ['grise', 0], ['numero', 0], ['arrive', 0], ['arrivee', 0], ['reunion', 0], ['premier', 0],
      ['renouvelle', 0], ['portable', 0], ['manuel', 0], ['trouver', 0], ['service comptabilite', 0],
      ['adresse', 0], ['je voudrais', 0], ['technicien', 0], ['garantie', 0], ['couvre', 0], ['besoin', 0],
      ['passera', 0], ['midi', 0], ['ouvre', 0], ['mot de passe', 0], ['reinitialiser', 0],
    ],
  },
  de: {
    stemmer: StemmerDe, normalizer: NormalizerDe, stopwords: StopwordsDe, data: SentimentDe,
    extraStopwords: 'der die das den dem des ein eine einen einem einer eines ist sind war waren bin und oder aber ' +
      'nicht mit von zu zum zur im in am an auf fur ich du er sie es wir ihr mein meine hat habe haben wird wurde ' +
      'sehr auch noch nur so wie als bei nach aus dass wenn mir mich uns sich dieser diese dieses',
    negators: 'nicht kein keine keinen keinem keiner nie niemals niemand nichts', without: 'ohne',
    contrast: 'aber jedoch doch allerdings obwohl', contrastOpeners: 'aber jedoch allerdings', concessions: 'obwohl',
    boosters: 'sehr wirklich total absolut extrem echt ganz so', dampeners: 'etwas kaum ziemlich',
    requests: 'bitte konnen konnten ich_mochte ich_brauche wurden',
    refusals: 'verweigert abgelehnt', resolutions: 'gelost behoben repariert erledigt',
    functionVerbs: 'funktioniert funktionieren geht gehen startet starten ladt laden verbindet verbinden offnet offnen schliesst schliessen pumpt pumpen schleudert heizt heizen kuhlt kuhlen druckt drucken reagiert reagieren synchronisiert speichert',
    failures: '',
    negatesAfterVerb: true,
    vocabulary: [
      ...family(-1.8, 'undicht, leckt, tropft, papierstau, klemmt, fehlerhaft, mangelhaft, schlecht verpackt'),
      ...family(-1.4, 'fehlten, fehlt, fehlen, falsche, falschen, falsch, zerkratzt, verrostet, rostet, laut, leer, nass'),
      ...family(-2.2, 'nie angekommen, nicht angekommen, keiner meldet sich, meldet sich niemand, keine antwort, keine ruckmeldung'),
      ...family(-1.8, 'immer noch kein, nicht erhalten, gerissen, zerrissen, schimmel, uberhitzt, meldet mich ab'),
      ...family(-2.6, 'doppelt berechnet, abzocke, betrug, unbrauchbar, enttauschend'),
      ...family(1.6, 'repariert, wieder kaufen, wieder bestellen'),
      ...family(2.2, 'super arbeit, gute arbeit, gut verpackt, fruher als versprochen, schneller als erwartet, gutes preis'),
      ...family(2.6, 'einwandfrei, funktioniert perfekt, begeistert'),
      ['zu spat', -1.6], ['verspatet', -1.4], ['beschadigt', -2.0], ['kaputt', -2.2], ['geld zuruck', -1.4],
      ['erstattung', -1.0], ['zweimal berechnet', -2.2], ['warte immer noch', -2.0], ['immer noch', -1.0],
      ['gewartet', -1.2], ['niemand antwortet', -2.2], ['storniert', -1.6], ['geldverschwendung', -2.8],
      ['zeitverschwendung', -2.6], ['aufgehort zu funktionieren', -2.4], ['funktioniert nicht', -2.2],
      ['sturzt', -1.8], ['absturz', -1.8], ['kalt', -1.0], ['unhoflich', -2.2], ['aufgelegt', -1.6],
      ['schmutzig', -1.8], ['roch schlecht', -2.0], ['defekt', -2.2], ['langsam', -1.2], ['enttauscht', -2.2],
      ['miserable', -2.8], ['miserabel', -2.8], ['schrecklich', -2.6], ['schreckliche', -2.6],
      ['der schlechteste', -3.0], ['schlechteste', -3.0], ['halt nur', -1.4], ['nie wieder', -2.2],
      ['nicht empfehlen', -2.4], ['schlecht', -2.0], ['gelost', 1.6], ['erledigt', 1.4], ['schnell', 1.2],
      ['schnelle', 1.2], ['schneller', 1.2], ['freundlich', 2.0], ['aufmerksam', 1.8], ['sauber', 1.4],
      ['bequem', 1.6], ['punktlich', 1.6], ['empfehlen', 2.0], ['nur empfehlen', 2.6], ['funf sterne', 2.8],
      ['ich liebe', 3.0], ['kostlich', 2.8], ['toll', 2.6], ['super', 2.4], ['perfekt', 2.8], ['vielen dank', 1.6],
      ['danke', 1.2], ['zufrieden', 2.2], ['wert', 1.6], ['tadellose', 2.6], ['tadellos', 2.6], ['nutzlich', 1.4],
      ['einfach zu', 1.4], ['fantastisches', 2.8], ['fantastisch', 2.8], ['wunderschon', 2.8], ['grossartig', 2.8],
      ['ausgezeichneter', 3.0], ['ausgezeichnet', 3.0], ['hervorragender', 3.0], ['hervorragend', 3.0],
      ['wunderbar', 2.8], ['wir kommen wieder', 2.0], ['fruher als erwartet', 2.2], ['professionell', 1.6],
      ['problemlos', 1.6], ['gute qualitat', 2.2], ['hoher qualitat', 2.4], ['guten preis', 1.6], ['bitte', 0],
      ['rechnung', 0], ['bestellung', 0], ['paket', 0], ['graue', 0], ['grau', 0], ['bestellnummer', 0],
      ['meeting', 0], ['ersten', 0], ['verlangert', 0], ['handy', 0], ['bedienungsanleitung', 0],
      ['buchhaltung', 0], ['lieferadresse', 0], ['ich mochte', 0], ['techniker', 0], ['garantie', 0], ['gilt', 0],
      ['zuruck', 0], ['ruckruf', 0], ['senden', 0],
    ],
  },
  it: {
    stemmer: StemmerIt, normalizer: NormalizerIt, stopwords: StopwordsIt, data: SentimentIt,
    negators: 'non mai nessuno niente nulla ne', without: 'senza',
    contrast: 'ma pero tuttavia', contrastOpeners: 'ma pero tuttavia', concessions: 'anche_se sebbene benche',
    boosters: 'molto davvero veramente tanto super assolutamente proprio', dampeners: 'poco abbastanza',
    requests: 'per_favore potreste potete vorrei ho_bisogno',
    refusals: 'rifiutato rifiutano', resolutions: 'risolto risolta sistemato riparato',
    functionVerbs: 'funziona funzionano funzionare accende accendere parte partire carica caricare collega connette apre aprire chiude chiudere scarica centrifuga scalda riscalda raffredda stampa stampare risponde rispondere sincronizza salva',
    failures: 'smesso smette',
    vocabulary: [
      ...family(-1.8, 'perde acqua, gocciola, si inceppa, inceppa, inceppata, guasto, guasta, mal imballato'),
      ...family(-1.4, 'perde, mancavano, manca, mancano, sbagliata, sbagliato, graffiato, rumoroso, disconnette, mi disconnette'),
      ...family(-2.2, 'mai arrivato, mai arrivata, nessuno mi risponde, nessuna risposta, non ho ancora ricevuto, non ho ricevuto'),
      ...family(-1.8, 'si scarica, strappata, strappato, arrugginito, muffa, surriscalda'),
      ...family(-2.6, 'truffa, inutilizzabile, delusione'),
      ...family(1.6, 'riparato, riparata, senza problemi'),
      ...family(2.2, 'ottimo lavoro, ben imballato, ben imballata, prima del previsto, lo ricomprerei, ricomprerei'),
      ...family(2.6, 'funziona benissimo, funziona perfettamente, entusiasta'),
      ['in ritardo', -1.6], ['ritardo', -1.4], ['rotta', -2.0], ['rotto', -2.0], ['si e rotto', -2.2],
      ['rimborso', -1.2], ['addebitato due volte', -2.2], ['ancora aspettando', -2.0],
      ['sto ancora aspettando', -2.0], ['aspettato', -1.2], ['nessuno risponde', -2.2], ['annullato', -1.6],
      ['annullata', -1.6], ['spreco di soldi', -2.8], ['spreco di tempo', -2.6], ['smesso di funzionare', -2.4],
      ['non funziona', -2.2], ['si chiude', -1.6], ['si blocca', -1.8], ['freddo', -1.0], ['fredda', -1.0],
      ['scortese', -2.2], ['riattaccato', -1.6], ['sporca', -1.8], ['sporco', -1.8], ['puzzava', -2.0],
      ['difettoso', -2.2], ['difettosa', -2.2], ['lento', -1.2], ['lenta', -1.2], ['deluso', -2.2],
      ['delusa', -2.2], ['pessima', -2.8], ['pessimo', -2.8], ['orribile', -2.6], ['il peggior', -3.0],
      ['il peggiore', -3.0], ['dura pochissimo', -2.0], ['dura poco', -1.6], ['non tornero', -2.2],
      ['mai piu', -2.0], ['non lo consiglio', -2.4], ['cattivo', -2.0], ['risolto', 1.6], ['risolta', 1.6],
      ['veloce', 1.2], ['rapida', 1.2], ['rapido', 1.2], ['gentile', 2.0], ['attento', 1.8], ['pulita', 1.4],
      ['pulito', 1.4], ['comodo', 1.6], ['comoda', 1.6], ['puntuale', 1.6], ['consiglio', 2.0],
      ['lo consiglio', 2.4], ['cinque stelle', 2.8], ['adoro', 3.0], ['delizioso', 2.8], ['deliziosa', 2.8],
      ['buonissimo', 2.8], ['fantastico', 2.8], ['fantastica', 2.8], ['perfetto', 2.8], ['grazie mille', 1.6],
      ['grazie', 1.2], ['contento', 2.2], ['contenta', 2.2], ['soddisfatto', 2.2], ['soddisfatta', 2.2],
      ['vale ogni', 2.0], ['impeccabile', 2.6], ['utile', 1.4], ['facile', 1.4], ['bellissimo', 2.8],
      ['bellissima', 2.8], ['ottima', 2.8], ['ottimo', 2.8], ['eccellente', 3.0], ['benissimo', 2.8],
      ['torneremo', 2.0], ['in anticipo', 2.2], ['professionale', 1.6], ['senza alcun problema', 1.6],
      ['grande qualita', 2.4], ['buon prezzo', 1.6], ['per favore', 0], ['fattura', 0], ['ordine', 0],
      ['pacco', 0], ['grigia', 0], ['grigio', 0], ['numero', 0], ['arrivato', 0], ['riunione', 0], ['primo', 0],
      ['rinnova', 0], ['cellulare', 0], ['manuale', 0], ['trovare', 0], ['contabilita', 0], ['indirizzo', 0],
      ['vorrei', 0], ['tecnico', 0], ['garanzia', 0], ['copre', 0], ['apre', 0], ['nove', 0], ['martedi', 0],
    ],
  },
  pt: {
    stemmer: StemmerPt, normalizer: NormalizerPt, stopwords: StopwordsPt, data: SentimentPt,
    negators: 'nao nunca jamais nem nada ninguem nenhum nenhuma', without: 'sem',
    contrast: 'mas porem contudo embora', contrastOpeners: 'mas porem contudo', concessions: 'embora',
    boosters: 'muito realmente super totalmente tao bastante', dampeners: 'pouco algo',
    requests: 'por_favor poderiam podem gostaria preciso',
    refusals: 'recusaram recusou', resolutions: 'resolveram resolveu resolvido arranjaram',
    functionVerbs: 'funciona funcionam funcionar liga ligar arranca carrega carregar conecta abre abrir fecha fechar escoa centrifuga aquece aquecer arrefece imprime imprimir responde responder sincroniza grava',
    failures: 'deixou deixa',
    vocabulary: [
      ...family(-1.8, 'a verter, verte, pinga, fuga, encrava, encravada, avariada, avaria, mal embalado'),
      ...family(-1.4, 'faltavam, falta, faltam, errado, errada, descarrega, riscado, barulhento, barulho'),
      ...family(-2.2, 'nunca chegou, nao chegou, ninguem me responde, ninguem me da, sem resposta, nenhuma resposta, ainda nao recebi, nao recebi'),
      ...family(-1.8, 'rasgou, rasgado, rasgada, enferrujado, bolor, sobreaquece, termina a minha sessao, termina a sessao'),
      ...family(-2.6, 'burla, inutilizavel, desilusao'),
      ...family(1.6, 'reparou, reparado, sem problemas'),
      ...family(2.2, 'excelente trabalho, bem embalada, bem embalado, voltaria a comprar, encantado'),
      ...family(2.6, 'funciona lindamente, lindamente, funciona muito bem, boa relacao qualidade preco'),
      ['atrasada', -1.6], ['atrasado', -1.6], ['atraso', -1.4], ['danificada', -2.0], ['danificado', -2.0],
      ['partiu se', -2.2], ['partiu', -1.8], ['avariado', -2.0], ['reembolso', -1.2],
      ['cobraram me duas vezes', -2.2], ['duas vezes', -0.8], ['continuo a espera', -2.0], ['a espera', -1.2],
      ['esperei', -1.2], ['ninguem responde', -2.2], ['cancelaram', -1.6], ['cancelada', -1.6],
      ['desperdicio', -2.4], ['deixou de funcionar', -2.4], ['nao funciona', -2.2], ['fecha sempre', -1.8],
      ['fria', -1.0], ['frio', -1.0], ['mal educado', -2.2], ['desligou me', -1.6], ['sujo', -1.8], ['suja', -1.8],
      ['cheirava mal', -2.0], ['com defeito', -2.2], ['defeito', -2.0], ['lento', -1.2], ['lenta', -1.2],
      ['desiludido', -2.2], ['desiludida', -2.2], ['pessima', -2.8], ['pessimo', -2.8], ['horrivel', -2.6],
      ['o pior', -3.0], ['a pior', -3.0], ['dura muito pouco', -2.0], ['dura pouco', -1.6], ['nunca mais', -2.2],
      ['nao recomendo', -2.4], ['ma', -1.6], ['mau', -1.6], ['resolveram', 1.6], ['resolvido', 1.6],
      ['rapida', 1.2], ['rapido', 1.2], ['simpaticos', 2.0], ['simpatico', 2.0], ['simpatica', 2.0],
      ['atencioso', 1.8], ['limpo', 1.4], ['limpa', 1.4], ['confortavel', 1.6], ['pontual', 1.6],
      ['recomendo', 2.0], ['cinco estrelas', 2.8], ['adoro', 3.0], ['adorei', 3.0], ['deliciosa', 2.8],
      ['delicioso', 2.8], ['otima', 2.8], ['otimo', 2.8], ['fantastica', 2.8], ['fantastico', 2.8],
      ['perfeito', 2.8], ['muito obrigado', 1.6], ['obrigado', 1.2], ['obrigada', 1.2], ['contente', 2.2],
      ['satisfeito', 2.2], ['satisfeita', 2.2], ['vale cada', 2.0], ['impecavel', 2.6], ['util', 1.4],
      ['facil', 1.4], ['lindo', 2.6], ['linda', 2.6], ['excelente', 3.0], ['maravilhosamente', 2.8],
      ['vamos voltar', 2.0], ['antes do previsto', 2.2], ['profissional', 1.6], ['sem nenhum problema', 1.6],
      ['boa qualidade', 2.2], ['bom preco', 1.6], ['por favor', 0], ['fatura', 0], ['encomenda', 0],
      ['cinzenta', 0], ['numero', 0], ['chegou', 0], ['reuniao', 0], ['primeiro', 0], ['renova se', 0],
      ['telemovel', 0], ['manual', 0], ['encontrar', 0], ['contabilidade', 0], ['morada', 0], ['gostaria', 0],
      ['tecnico', 0], ['garantia', 0], ['cobre', 0], ['abre', 0], ['loja', 0], ['restaurante', 0], ['estacao', 0],
      ['fica', 0], ['enviam', 0], ['para', 0], ['nove', 0], ['favor', 0], ['terca feira', 0],
    ],
  },
  nl: {
    stemmer: StemmerNl, normalizer: NormalizerNl, stopwords: StopwordsNl, data: SentimentNl,
    negators: 'niet geen nooit niemand niets', without: 'zonder',
    contrast: 'maar echter hoewel toch', contrastOpeners: 'maar echter', concessions: 'hoewel',
    boosters: 'zeer erg echt heel super ontzettend enorm hartstikke', dampeners: 'beetje nauwelijks vrij',
    requests: 'graag kunt kunnen wilt ik_wil ik_zou alstublieft',
    refusals: 'weigerde weigerden', resolutions: 'opgelost gerepareerd verholpen',
    functionVerbs: 'werkt werken werkte doet gaat start starten laadt laden verbindt opent openen sluit sluiten pompt pompen centrifugeert verwarmt koelt print printen reageert synchroniseert',
    failures: 'gestopt stopte',
    negatesAfterVerb: true,
    vocabulary: [
      ...family(-1.8, 'lekt, lekkage, lek, loopt vast, vastgelopen, stuk, slecht verpakt'),
      ...family(-1.4, 'ontbraken, ontbreekt, ontbreken, verkeerde, verkeerd, gekrast, roest, lawaai, luidruchtig, leeg'),
      ...family(-2.2, 'nooit aangekomen, niet aangekomen, niemand geeft antwoord, geen antwoord, geen reactie, nog steeds niet, niet ontvangen'),
      ...family(-1.8, 'gescheurd, schimmel, oververhit, logt me uit'),
      ...family(-2.6, 'oplichting, onbruikbaar'),
      ...family(1.6, 'gerepareerd, opnieuw kopen, weer kopen, zonder problemen'),
      ...family(2.2, 'goed werk, goed verpakt, eerder dan beloofd, blij'),
      ['te laat', -1.6], ['vertraagd', -1.4], ['beschadigd', -2.0], ['kapot', -2.2], ['geld terug', -1.4],
      ['terugbetaling', -1.0], ['twee keer betaald', -2.2], ['nog steeds', -1.0], ['gewacht', -1.2],
      ['niemand reageert', -2.2], ['geannuleerd', -1.6], ['zonde van het geld', -2.8], ['zonde', -1.8],
      ['werkte niet meer', -2.4], ['doet het niet', -2.2], ['werkt niet', -2.2], ['crasht', -1.8], ['koud', -1.0],
      ['onbeleefd', -2.2], ['hing op', -1.6], ['vies', -1.8], ['defect', -2.2], ['traag', -1.2],
      ['teleurgesteld', -2.2], ['slechte', -2.4], ['slecht', -2.2], ['vreselijke', -2.6], ['vreselijk', -2.6],
      ['de slechtste', -3.0], ['slechtste', -3.0], ['maar heel kort', -1.6], ['nooit meer', -2.2],
      ['raad het niet aan', -2.4], ['opgelost', 1.6], ['snelle', 1.2], ['snel', 1.2], ['sneller', 1.2],
      ['vriendelijk', 2.0], ['attent', 1.8], ['schoon', 1.4], ['comfortabel', 1.6], ['op tijd', 1.6],
      ['raad het iedereen aan', 2.6], ['aanraden', 2.0], ['vijf sterren', 2.8], ['dol op', 3.0], ['heerlijk', 2.8],
      ['geweldig', 2.8], ['top', 2.4], ['perfect', 2.8], ['perfecte', 2.8], ['hartelijk dank', 1.6],
      ['bedankt', 1.2], ['tevreden', 2.2], ['waard', 1.6], ['handig', 1.4], ['makkelijk', 1.4],
      ['fantastische', 2.8], ['prachtig', 2.8], ['uitstekende', 3.0], ['uitstekend', 3.0],
      ['komen zeker terug', 2.0], ['eerder dan verwacht', 2.2], ['professioneel', 1.6],
      ['zonder enig probleem', 1.6], ['goede kwaliteit', 2.2], ['hoge kwaliteit', 2.4], ['goede prijs', 1.6],
      ['alstublieft', 0], ['factuur', 0], ['bestelling', 0], ['pakket', 0], ['grijze', 0], ['bestelnummer', 0],
      ['vergadering', 0], ['eerste', 0], ['verlengd', 0], ['mobiel', 0], ['handleiding', 0], ['boekhouding', 0],
      ['afleveradres', 0], ['monteur', 0], ['garantie', 0], ['geldig', 0], ['open', 0], ['gaat', 0], ['winkel', 0],
      ['restaurant', 0], ['station', 0], ['naast', 0], ['vind', 0], ['terug', 0], ['bel', 0], ['stuur', 0],
    ],
  },
};

interface LanguagePack {
  stemmer: NlpjsStemmer;
  stems: number;
  normalizer: NlpjsNormalizer;
  stopwords: NlpjsStopwords;
  extraStopwords: ReadonlySet<string>;
  lexicon: Readonly<Record<string, number>>;
  scale: number;
  /** Smallest |library value| taken as an opinion. */
  minimum: number;
  stemmed: boolean;
  words: LanguageWords;
  vocabulary: Vocabulary;
  /**
   * Single-word vocabulary entries by stem: "defectuosos" finds "defectuoso"'s value. Only words
   * at least as long as the entry match (inflections extend a word), so "mois" (month) never takes
   * "moisi" (mouldy).
   */
  stemVocabulary: ReadonlyMap<string, { value: number; length: number }>;
}

const words = (list: string): Set<string> => new Set(list.split(' ').filter((w) => w !== ''));

/** Two-word entries are written with "_" and matched on consecutive tokens. */
function opensWith(list: string): (lower: readonly string[], start: number) => boolean {
  const set = words(list);
  return (lower, start) => set.has(lower[start] ?? '') || set.has(`${lower[start] ?? ''}_${lower[start + 1] ?? ''}`);
}

function buildPack(spec: LanguageSpec): LanguagePack {
  const { data } = spec;
  // NLP.js's own preference order when a language ships several lexicons.
  const graded = data.senticon ?? data.pattern;
  const [lexicon, scale, minimum] = graded ? [graded, 1, MIN_GRADED_VALUE] : [data.afinn ?? {}, 1 / 5, 1];
  const normalizer = new spec.normalizer();
  const fold = (w: string): string => normalizer.normalize(w);
  const negators = new Set([...words(spec.negators), ...data.negations.words.map(fold)].filter((w) => w !== spec.without));
  const verbForms = words(spec.functionVerbs);
  const verbStems = new Set<string>();
  const stemVocabulary = new Map<string, { value: number; length: number }>();
  const pack: LanguagePack = {
    stemmer: new spec.stemmer(),
    stems: 0,
    normalizer,
    stopwords: new spec.stopwords(),
    extraStopwords: words(spec.extraStopwords ?? ''),
    lexicon,
    scale: scale * TO_VADER_SCALE,
    minimum,
    stemmed: data.stemmed !== false,
    words: {
      negators,
      shortNegators: words(spec.without),
      clauseBoundaries: words(`, ; : ${spec.contrast}`),
      contrast: words(spec.contrast),
      contrastOpeners: words(spec.contrastOpeners),
      opensConcession: opensWith(spec.concessions),
      boosters: words(spec.boosters),
      dampeners: words(spec.dampeners),
      refusals: words(spec.refusals),
      resolutions: words(spec.resolutions),
      opensRequest: opensWith(spec.requests),
      isFunctionVerb: (lower, i) => {
        const word = lower[i] ?? '';
        return verbForms.has(word) || (/\p{L}/u.test(word) && verbStems.has(stem(pack, word)));
      },
      failureTriggers: new Set([...negators, ...words(spec.failures)]),
      negatesAfterVerb: spec.negatesAfterVerb === true,
    },
    vocabulary: buildVocabulary(spec.vocabulary),
    stemVocabulary,
  };
  for (const form of verbForms) verbStems.add(stem(pack, form));
  for (const [phrase, value] of spec.vocabulary) {
    if (phrase.includes(' ')) continue;
    const key = stem(pack, phrase);
    if (!stemVocabulary.has(key)) stemVocabulary.set(key, { value, length: phrase.length });
  }
  return pack;
}

const packs = new Map<OtherLanguage, LanguagePack>();

export function isOtherLanguage(language: string): language is OtherLanguage {
  return Object.hasOwn(SPECS, language);
}

const TOKEN = /[\p{L}\p{N}]+|[,;:!?.]/gu;
const SENTENCE_END: ReadonlySet<string> = new Set(['.', '!', '?']);
const PUNCTUATION: ReadonlySet<string> = new Set([',', ';', ':', '!', '?', '.']);
const isWord = (token: string): boolean => !PUNCTUATION.has(token);

function stem(pack: LanguagePack, word: string): string {
  pack.stems += 1;
  if (pack.stems > STEM_MEMO_LIMIT) {
    pack.stemmer.cache = {};
    pack.stems = 0;
  }
  return pack.stemmer.stemWord(word);
}

const MAX_KEYWORDS = 5;
/** Mask placeholders ([EMAIL], <PHONE>, {{PERSON}}) are never keywords. */
const PLACEHOLDER = /\[[A-Z0-9_-]+\]|<[A-Z0-9_-]+>|\{\{[A-Z0-9_-]+\}\}/g;
const KEYWORD = /\p{L}[\p{L}'’-]*\p{L}/gu;

/** Up to 5 lowercased words by frequency (ties: first seen), stopwords and short words dropped. */
function keywordsOf(text: string, pack: LanguagePack): string[] {
  const counts = new Map<string, number>();
  for (const word of text.replace(PLACEHOLDER, ' ').toLowerCase().match(KEYWORD) ?? []) {
    const folded = pack.normalizer.normalize(word);
    if (word.length < 3 || pack.stopwords.isStopword(word) || pack.stopwords.isStopword(folded) || pack.extraStopwords.has(folded)) continue;
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, MAX_KEYWORDS).map(([word]) => word);
}

export function analyzeOtherLanguage(text: string, language: OtherLanguage, includeKeywords: boolean): SentimentResult {
  let pack = packs.get(language);
  if (pack === undefined) {
    pack = buildPack(SPECS[language]);
    packs.set(language, pack);
  }
  const lower = pack.normalizer.normalize(normaliseForAnalysis(text)).match(TOKEN) ?? [];
  const spans: Array<[number, number]> = [];
  let start = 0;
  for (let i = 0; i < lower.length; i += 1) {
    const ends = SENTENCE_END.has(lower[i] ?? '') && !SENTENCE_END.has(lower[i + 1] ?? '');
    if (ends || i === lower.length - 1) {
      spans.push([start, i]);
      start = i + 1;
    }
  }
  const { lexicon, scale, words: languageWords } = pack;
  const current = pack;
  const phrases = findPhrases(lower, pack.vocabulary, [], (i) => {
    const word = lower[i] ?? '';
    if (!isWord(word) || languageWords.boosters.has(word) || languageWords.dampeners.has(word) || languageWords.negators.has(word) || languageWords.shortNegators.has(word)) return undefined;
    const stemmed = stem(current, word);
    const own = current.stemVocabulary.get(stemmed);
    if (own !== undefined && word.length >= own.length) return own.value;
    const value = lexicon[current.stemmed ? stemmed : word] ?? lexicon[word];
    if (value === undefined || Math.abs(value) < current.minimum) return undefined;
    return value * scale;
  }, malfunctionSpans(lower, languageWords));
  const scored = scoreTokens({ lower, values: null, spans, isWord }, phrases, languageWords);
  const score = round3(Math.max(-1, Math.min(1, scored.score)));
  const sentiment = labelFor(score);
  const result: SentimentResult = { sentiment, score, confidence: confidenceFor(sentiment, score, scored) };
  if (includeKeywords) result.keywords = keywordsOf(normaliseForAnalysis(text), pack);
  return result;
}

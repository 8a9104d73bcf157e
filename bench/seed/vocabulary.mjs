// Word lists of the synthetic dataset: West African names with the accents and spelling
// variants caseworkers meet at Gao (Traoré/Traore/Touré, Aminata/Aminatou, Diallo/Jallow,
// Coulibaly/Kulibali, N'Diaye/Ndiaye …), nationalities weighted like the Gao flows (DTM Mali:
// mostly Guinea and Mali, then Côte d'Ivoire, Senegal, Gambia …), places, languages.
//
// Each list is [value, weight]; weights need not sum to anything.

export const MALE_GIVEN = [
  ['Mamadou', 30], ['Mamady', 6], ['Moussa', 22], ['Ousmane', 16], ['Usman', 3], ['Ibrahima', 18], ['Ibrahim', 8],
  ['Brahima', 5], ['Abdoulaye', 16], ['Abdoulay', 3], ['Amadou', 15], ['Ahmadou', 4], ['Boubacar', 12], ['Bakary', 10],
  ['Bakari', 4], ['Seydou', 9], ['Sékou', 10], ['Sekou', 6], ['Souleymane', 10], ['Sulayman', 3], ['Lamine', 8],
  ['Alassane', 7], ['Adama', 12], ['Oumar', 10], ['Omar', 5], ['Modibo', 5], ['Cheick', 6], ['Cheikh', 5],
  ['Aliou', 7], ['Alioune', 4], ['Issa', 8], ['Idrissa', 6], ['Drissa', 4], ['Yacouba', 7], ['Yaya', 5],
  ['Karim', 4], ['Abdou', 6], ['Hamidou', 4], ['Salif', 5], ['Fousseni', 3], ['Lassana', 4], ['Siaka', 4],
  ['Mohamed', 14], ['Mohammed', 5], ['Mahamadou', 7], ['Oumarou', 4], ['Harouna', 4], ['Arouna', 2],
  ['Ebrima', 6], ['Lamin', 5], ['Modou', 5], ['Pape', 4], ['Babacar', 4], ['Saliou', 3], ['Daouda', 5],
  ['Dauda', 2], ['Kalilou', 3], ['Ousseni', 2], ['Inoussa', 3], ['Tidiane', 3], ['Emeka', 2], ['Chinedu', 2],
  ['Tunde', 2], ['Jean-Baptiste', 2], ['Éric', 1], ['Hervé', 1], ['Koffi', 3], ['Kouassi', 3], ['Yao', 2],
];

export const FEMALE_GIVEN = [
  ['Aminata', 20], ['Aminatou', 6], ['Fatoumata', 18], ['Fatimata', 5], ['Fatou', 10], ['Mariam', 12],
  ['Mariama', 8], ['Maryam', 2], ['Awa', 10], ['Hawa', 7], ['Kadiatou', 8], ['Khadija', 4], ['Djénéba', 5],
  ['Djeneba', 3], ['Aïssata', 5], ['Aissata', 4], ['Aïcha', 6], ['Aicha', 4], ['Rokia', 5], ['Rokiatou', 3],
  ['Oumou', 6], ['Assétou', 3], ['Assetou', 3], ['Ramata', 3], ['Salimata', 3], ['Bintou', 5], ['Binta', 3],
  ['Nafissatou', 3], ['Kadidia', 3], ['Adja', 2], ['Ndèye', 3], ['Ndeye', 2], ['Isatou', 3], ['Mbassa', 1],
  ['Sali', 2], ['Safiatou', 2], ['Korotoumou', 2], ['Massitan', 1], ['Chioma', 1], ['Ngozi', 1], ['Adjoa', 1],
];

export const FAMILY = [
  ['Traoré', 30], ['Traore', 16], ['Touré', 14], ['Toure', 8], ['Diallo', 30], ['Jallow', 7], ['Djalo', 2],
  ['Coulibaly', 22], ['Kulibali', 3], ['Koulibaly', 4], ['Keïta', 12], ['Keita', 9], ['Diarra', 14], ['Konaté', 10],
  ['Konate', 6], ['Camara', 16], ['Kamara', 6], ['Sylla', 7], ['Cissé', 10], ['Cisse', 6], ['Sissoko', 6],
  ['Kouyaté', 4], ['Kouyate', 3], ['Sanogo', 6], ['Ouattara', 9], ['Watara', 2], ['Ouédraogo', 9], ['Ouedraogo', 5],
  ['Sawadogo', 5], ['Kaboré', 4], ['Kabore', 3], ['Zongo', 2], ["N'Diaye", 8], ['Ndiaye', 8], ['Ndiay', 1],
  ['Diop', 9], ['Fall', 5], ['Sow', 10], ['Sall', 5], ['Ba', 6], ['Bah', 9], ['Barry', 10], ['Baldé', 5], ['Balde', 4],
  ['Sidibé', 6], ['Sidibe', 4], ['Dembélé', 6], ['Dembele', 4], ['Doumbia', 5], ['Fofana', 7], ['Fofanah', 2],
  ['Bangoura', 6], ['Soumah', 4], ['Soumaré', 4], ['Soumare', 3], ['Condé', 6], ['Conde', 4], ['Kanté', 5],
  ['Kante', 3], ['Diakité', 6], ['Diakite', 4], ['Dramé', 4], ['Drame', 3], ['Maïga', 8], ['Maiga', 6],
  ['Cissoko', 2], ['Samaké', 4], ['Samake', 3], ['Bagayoko', 4], ['Tounkara', 3], ['Magassa', 2],
  ['Ceesay', 4], ['Jobe', 3], ['Njie', 3], ['Manneh', 2], ['Sanneh', 3], ['Mahamadou', 3], ['Issoufou', 3],
  ['Abdou', 2], ['Moussa', 2], ['Kouassi', 3], ['Kouamé', 3], ['Koné', 8], ['Kone', 5], ['Yao', 2],
  ['Okafor', 2], ['Adeyemi', 2], ['Eze', 1], ['Mbarga', 1], ['Nkoulou', 1], ['Fotso', 1], ['Dicko', 3], ['Tamboura', 3],
];

/** Nationality (ISO 3166-1 alpha-3) weighted like the Gao flows; places of origin; languages (ISO 639-3). */
export const NATIONALITIES = [
  ['GIN', 30], ['MLI', 22], ['CIV', 12], ['SEN', 9], ['GMB', 9], ['BFA', 7], ['NER', 5], ['CMR', 3], ['NGA', 3],
];

export const PLACES = {
  GIN: ['Conakry', 'Kankan', 'Labé', 'Kindia', 'Nzérékoré', 'Siguiri', 'Mamou'],
  MLI: ['Kayes', 'Bamako', 'Ségou', 'Sikasso', 'Mopti', 'Koutiala', 'Nioro du Sahel', 'Kita'],
  CIV: ['Abidjan', 'Bouaké', 'Daloa', 'Korhogo', 'San-Pédro', 'Yamoussoukro'],
  SEN: ['Dakar', 'Tambacounda', 'Kolda', 'Ziguinchor', 'Thiès', 'Kaolack'],
  GMB: ['Serrekunda', 'Banjul', 'Brikama', 'Basse Santa Su', 'Farafenni'],
  BFA: ['Ouagadougou', 'Bobo-Dioulasso', 'Koudougou', 'Ouahigouya', 'Kaya'],
  NER: ['Niamey', 'Zinder', 'Maradi', 'Tahoua', 'Agadez'],
  CMR: ['Douala', 'Yaoundé', 'Bamenda', 'Bafoussam'],
  NGA: ['Lagos', 'Kano', 'Benin City', 'Ibadan', 'Enugu'],
};

export const LANGUAGES = {
  GIN: [['fra', 'sus'], ['fra', 'ful'], ['man', 'fra'], ['ful']],
  MLI: [['bam', 'fra'], ['bam'], ['ses', 'bam'], ['ful', 'bam'], ['snk', 'bam']],
  CIV: [['fra', 'dyu'], ['fra'], ['fra', 'bci']],
  SEN: [['wol', 'fra'], ['wol'], ['ful', 'wol']],
  GMB: [['eng', 'mnk'], ['eng', 'wol'], ['mnk']],
  BFA: [['fra', 'mos'], ['mos'], ['dyu', 'fra']],
  NER: [['hau', 'fra'], ['dje', 'fra'], ['hau']],
  CMR: [['fra', 'eng'], ['fra']],
  NGA: [['eng', 'hau'], ['eng', 'yor'], ['eng', 'ibo']],
};

export const DIAL = { GIN: '+224', MLI: '+223', CIV: '+225', SEN: '+221', GMB: '+220', BFA: '+226', NER: '+227', CMR: '+237', NGA: '+234' };

export const DESTINATIONS = [['DZA', 30], ['LBY', 20], ['ESP', 12], ['ITA', 10], ['FRA', 8], ['MAR', 6], ['NER', 6], ['MLI', 4], ['TUN', 4]];
export const ROUTES = [
  ['Bamako', 'Ségou', 'Mopti', 'Douentza', 'Gao'],
  ['Bamako', 'Mopti', 'Gao'],
  ['Bamako', 'Gao', 'Kidal', 'Tessalit'],
  ['Kayes', 'Bamako', 'Gao'],
  ['Bamako', 'Gao', 'Ménaka'],
  ['Niamey', 'Ayorou', 'Gao'],
  ['Gao', 'Bourem', 'Tombouctou'],
];
export const REASONS = [['economic', 70], ['conflict_insecurity', 10], ['family', 8], ['education', 4], ['environmental', 3], ['persecution', 2], ['other', 3]];
export const TRAVELLING_WITH = [['alone', 70], ['group', 22], ['family', 8]];
export const EDUCATION = [['none', 25], ['koranic', 20], ['primary', 25], ['secondary', 18], ['vocational', 6], ['higher', 3], ['unknown', 3]];
export const EMPLOYMENT = ['farmer', 'trader', 'mechanic', 'driver', 'student', 'tailor', 'gold miner', 'fisherman', 'mason', 'unemployed', 'herder', 'hairdresser'];

export const VULNERABILITIES = [
  ['medical_condition', 30], ['destitute', 25], ['detention_survivor', 12], ['victim_of_trafficking', 8], ['mental_health', 8],
  ['gbv_survivor', 6], ['unaccompanied_child', 6], ['separated_child', 3], ['pregnant_or_lactating', 5], ['single_parent', 3],
  ['disability', 3], ['elderly', 1],
];
export const CLOSURE_REASONS = [['returned', 35], ['continued_journey', 25], ['lost_contact', 20], ['reintegration_completed', 10], ['transferred', 4], ['settled_locally', 3], ['other', 3]];

/** Share of the cases per demo organization, and per site within it (by site name). */
export const ORG_WEIGHTS = [['IOM-ML', 56], ['MDM-GAO', 18], ['DIREYBEN-GAO', 12], ['CIAUD-DTZ', 9], ['CSREF-GAO', 5]];
export const SITE_WEIGHTS = {
  'Centre de transit OIM Gao': 60,
  'Sous-bureau OIM Mopti – Douentza': 12,
  'Sous-bureau OIM Ménaka': 13,
  'Bureau OIM Bamako': 15,
};

export const NARRATIVES = [
  'Held for ransom near the border for three weeks; released after family paid.',
  'Reports forced labour at a gold mining site; wages withheld.',
  'Abandoned in the desert by the driver; walked two days to the checkpoint.',
  'Robbed and beaten on the road; lost documents and phone.',
  'Survivor of violence in detention; needs psychosocial follow-up.',
];

/** Referrals (issue 6): what is asked of the partners at Gao, and how it ends. */
export const REFERRAL_SERVICES = [
  ['health', 30], ['shelter', 18], ['psychosocial', 14], ['information', 10], ['legal', 7], ['food', 6],
  ['orientation', 6], ['reception', 4], ['transport', 3], ['documentation', 2],
];
export const URGENCY_WEIGHTS = [['normal', 65], ['high', 27], ['emergency', 8]];
export const REFERRAL_REASONS = {
  health: ['Fever and wounds to the feet after the desert crossing', 'Suspected malaria', 'Pregnancy follow-up', 'Chronic cough, needs a consultation', 'Injured during the journey'],
  shelter: ['No place to sleep in Gao', 'Waiting for the return convoy', 'Single mother with children, needs a bed', 'Released from detention, no resources'],
  psychosocial: ['Distress after detention', 'Survivor of violence on the route', 'Lost contact with family', 'Sleep problems and anxiety'],
  information: ['Wants to know the options for return', 'Asks about the route north', 'Needs information on documents'],
  legal: ['Documents confiscated at a checkpoint', 'Needs a laissez-passer', 'Detained without papers, now released'],
  food: ['No resources for meals', 'Family of five without food'],
  orientation: ['Needs orientation to services in Gao', 'Newly arrived, no contacts'],
  reception: ['Arrived at night, needs reception', 'Group of arrivals from Niger'],
  transport: ['Transport to the health centre', 'Transport to Bamako for the return'],
  documentation: ['Needs a birth certificate copy', 'Consular card to request'],
};
export const REFERRAL_OUTCOMES = {
  health: ['Treated and discharged', 'Medication given, follow-up in one week', 'Referred to the regional hospital'],
  shelter: ['Stayed five nights', 'Accommodated until departure', 'Stayed three nights, left for Bamako'],
  psychosocial: ['Three counselling sessions', 'Group session and follow-up plan'],
  information: ['Informed about assisted return', 'Information session held'],
  legal: ['Laissez-passer obtained', 'Accompanied to the police station'],
  food: ['Food kit given', 'Meals for one week'],
  orientation: ['Oriented to the transit centre', 'Accompanied to the services'],
  reception: ['Received and registered', 'Received, referred on'],
  transport: ['Transported', 'Ticket provided'],
  documentation: ['Document obtained', 'Request filed with the consulate'],
};
export const DECLINE_REASONS = [
  ['No capacity at the moment', 40], ['Outside our area of intervention', 20], ['The migrant did not come', 20],
  ['Service not available for this profile', 12], ['Already followed by another partner', 8],
];
export const CANCEL_REASONS = [
  ['The migrant left Gao', 35], ['The migrant no longer wishes the service', 25], ['Continued the journey', 20],
  ['Service obtained elsewhere', 12], ['Duplicate referral', 8],
];

// The search-recall set: 20 persons planted in the dataset (IOM-ML, Gao transit centre, visible
// to caseworker@iom-ml), each with a given name that appears nowhere else, so the person is
// unique; and the query a caseworker would type for them: misspelled, accent-stripped,
// given/family swapped, spelling variants of the family name. A query "finds its person" when
// the person is among the first 10 results of GET /cases?q=….

export const RECALL_SET = [
  { given: 'Ramatoulaye', family: 'Sangaré', sex: 'female', nationality: 'MLI', query: 'Ramatoulai Sangare' },
  { given: 'Sounkalo', family: 'Dembélé', sex: 'male', nationality: 'MLI', query: 'Dembele Sounkallo' },
  { given: 'Tiémoko', family: 'Bengaly', sex: 'male', nationality: 'MLI', query: 'Tiemoko Bengali' },
  { given: 'Néné', family: 'Diallo', other: ['Kadiatou'], sex: 'female', nationality: 'GIN', query: 'Nene Kadiatu Diallo' },
  { given: 'Mamoutou', family: 'Kulibali', sex: 'male', nationality: 'MLI', query: 'Mamoutu Coulibaly' },
  { given: 'Aïssatou', family: 'Baldé', sex: 'female', nationality: 'GIN', query: 'Aisatou Balde' },
  { given: 'Gaoussou', family: 'Ouédraogo', sex: 'male', nationality: 'BFA', query: 'Ouedrago Gaoussou' },
  { given: 'Fodé', family: "N'Diaye", sex: 'male', nationality: 'SEN', query: 'Fode Ndiaye' },
  { given: 'Lansana', family: 'Kourouma', sex: 'male', nationality: 'GIN', query: 'Lansanna Kouroumah' },
  { given: 'Sirandou', family: 'Keïta', sex: 'female', nationality: 'MLI', query: 'Keita Sirandu' },
  { given: 'Younoussa', family: 'Maïga', sex: 'male', nationality: 'MLI', query: 'Younousa Maiga' },
  { given: 'Hadiza', family: 'Issoufou', sex: 'female', nationality: 'NER', query: 'Hadizza Isoufou' },
  { given: 'Pathé', family: 'Sow', sex: 'male', nationality: 'SEN', query: 'Pate Sow' },
  { given: 'Nfamara', family: 'Jallow', sex: 'male', nationality: 'GMB', query: 'Nfamara Jalow' },
  { given: 'Chukwuemeka', family: 'Okafor', sex: 'male', nationality: 'NGA', query: 'Chukwuemka Okafor' },
  { given: 'Sadio', family: 'Konaté', sex: 'male', nationality: 'GIN', query: 'Konate Sadio' },
  { given: 'Ténin', family: 'Doumbia', sex: 'female', nationality: 'MLI', query: 'Tenin Dumbia' },
  { given: 'Karamoko', family: 'Sissoko', other: ['Bréhima'], sex: 'male', nationality: 'MLI', query: 'Karamogo Sisoko' },
  { given: 'Wendkouni', family: 'Sawadogo', sex: 'female', nationality: 'BFA', query: 'Wendkuni Sawadogo' },
  { given: 'Mariétou', family: 'Camara', sex: 'female', nationality: 'GIN', query: 'Marietou Kamara' },
];
